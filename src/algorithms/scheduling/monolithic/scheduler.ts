// The monolithic scheduler (node 1), Borg-style (Verma et al., EuroSys 2015 §3.2): one
// scheduler owns every job and the whole cluster's state. It takes the pending queue in
// priority order, and for the first job any of whose tasks can be placed it spends the job's
// decision time, then runs feasibility checking and scoring (placement.ts) for each task
// and sends each machine one Launch. A task that fits nowhere may evict lower-priority tasks
// (preemption, §2.5): the fewest victims on one machine, newest first; they go back to
// the queue as a new attempt.
//
// Its view of each machine is exact by construction — it is the only one placing, and it
// frees a task's resources only when the machine reports the task's end — so a machine
// refuses a Launch only for a task it had already been told to preempt (a Launch reordered
// behind the preempting one), or one sent to a session that has ended or holds no lease;
// the refused task is queued again. It places only on machines that are up (members.ts);
// what happens when one goes down, restarts, or a message is lost is in recovery.ts.
//
// The known weakness (Omega, EuroSys 2013 §2.1): one scheduler, one decision at a time. A
// job that takes long to decide on blocks every job behind it — head-of-line blocking.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { isUp, sessionOf } from '../shared/members.js';
import { enqueue, markDone, settleLate, takeJob } from '../shared/owner.js';
import { type Free, fits, pickMachine } from '../shared/placement.js';
import type { TaskRef, TaskSpec } from '../shared/workload.js';
import { decisionMs, taskOf } from '../shared/workload.js';
import type { X } from './options.js';
import type { MonolithicState, Placed } from './state.js';

const keyOf = (t: { job: number; index: number }) => `${t.job}.${t.index}`;

function freeOf(s: MonolithicState, machine: NodeId): Free {
  const f = s.free.find((x) => x.machine === machine);
  assert(f !== undefined, 'the scheduler tracks every machine');
  return f;
}

/** What is free on the machines that are up (the same objects as in `free`). */
function upFree(x: X): Free[] {
  return x.s.free.filter((f) => isUp(x.s.members, f.machine));
}

/** The machine whose lower-priority tasks, fewest evicted, make room for `job`'s task. */
function preemptFor(x: X, job: { cpu: number; mem: number; priority: number }) {
  let best: { free: Free; victims: string[] } | undefined;
  for (const f of upFree(x)) {
    const lower = Object.entries(x.s.placed)
      .filter(([, p]) => p.machine === f.machine && p.priority < job.priority && !p.evicting)
      .sort(([ka, a], [kb, b]) => a.priority - b.priority || (ka < kb ? 1 : -1));
    const room = { machine: f.machine, cpu: f.cpu, mem: f.mem };
    const victims: string[] = [];
    for (const [key, p] of lower) {
      if (fits(room, job)) break;
      victims.push(key);
      room.cpu += p.cpu;
      room.mem += p.mem;
    }
    if (!fits(room, job)) continue;
    if (best === undefined || victims.length < best.victims.length) best = { free: f, victims };
  }
  return best;
}

function placeable(x: X, jobId: number): boolean {
  const job = x.c.cluster.jobById.get(jobId);
  assert(job !== undefined, 'queued tasks belong to known jobs');
  if (upFree(x).some((f) => fits(f, job))) return true;
  return x.c.opts.preemption && job.priority > 0 && preemptFor(x, job) !== undefined;
}

/** Starts deciding on the first job in the queue that can be placed, if idle. */
export function schedulerKick(x: X): void {
  const { s, env } = x;
  const owner = s.owner;
  assert(owner !== null, 'only the scheduler schedules');
  if (s.deciding !== null) return;
  const tried = new Set<number>();
  for (const t of owner.pending) {
    if (tried.has(t.job)) continue;
    tried.add(t.job);
    if (!placeable(x, t.job)) continue;
    const job = x.c.cluster.jobById.get(t.job);
    assert(job !== undefined, 'queued tasks belong to known jobs');
    s.deciding = job.id;
    const tasks = owner.pending.filter((p) => p.job === job.id).length;
    env.setTimer('decide', decisionMs(job, tasks, x.c.opts));
    return;
  }
}

/** Marks a placed task for preemption: its room is reused now, it is requeued later. */
function evict(x: X, key: string): TaskRef {
  const { s } = x;
  const p = s.placed[key] as Placed;
  s.placed[key] = { ...p, evicting: true };
  const f = freeOf(s, p.machine);
  f.cpu += p.cpu;
  f.mem += p.mem;
  const [job, index] = key.split('.').map(Number) as [number, number];
  return { job, index, attempt: p.attempt };
}

/** The decide timer: place the tasks of the job decided on, preempting if allowed. */
export function schedulerDecide(x: X): void {
  const { s, env, c } = x;
  const owner = s.owner;
  assert(owner !== null && s.deciding !== null, 'the decide timer runs while deciding');
  const job = c.cluster.jobById.get(s.deciding) as NonNullable<
    ReturnType<typeof c.cluster.jobById.get>
  >;
  s.deciding = null;
  const launches = new Map<NodeId, { tasks: TaskSpec[]; preempt: TaskRef[] }>();
  const free = upFree(x);
  const now = env.now();
  for (const t of takeJob(owner, job.id)) {
    let f = pickMachine(free, job, c.cluster.capacity);
    let victims: string[] = [];
    if (f === undefined && c.opts.preemption && job.priority > 0) {
      const p = preemptFor(x, job);
      f = p?.free;
      victims = p?.victims ?? [];
    }
    if (f === undefined) {
      enqueue(owner, c.cluster.jobById, t);
      continue;
    }
    const launch = launches.get(f.machine) ?? { tasks: [], preempt: [] };
    launches.set(f.machine, launch);
    for (const v of victims) launch.preempt.push(evict(x, v));
    assert(fits(f, job), 'a machine picked (after preemption) has room');
    f.cpu -= job.cpu;
    f.mem -= job.mem;
    const placed = { machine: f.machine, attempt: t.attempt, priority: job.priority };
    const session = sessionOf(s.members, f.machine);
    const sent = { session, confirmed: false, sentMs: now };
    s.placed[keyOf(t)] = { ...placed, cpu: job.cpu, mem: job.mem, evicting: false, ...sent };
    launch.tasks.push(taskOf(job, t.index, t.attempt, 0));
  }
  for (const m of [...launches.keys()].sort((a, b) => a - b)) {
    const l = launches.get(m) as { tasks: TaskSpec[]; preempt: TaskRef[] };
    const session = sessionOf(s.members, m);
    env.send(m, { type: 'Launch', tasks: l.tasks, preempt: l.preempt, version: -1, session });
  }
  schedulerKick(x);
  assert(
    s.free.every((f) => f.cpu >= 0 && f.mem >= 0),
    'the scheduler never over-commits',
  );
}

/** A task attempt ended or was refused: free it, and queue it again unless it completed. */
export function schedulerRelease(x: X, from: NodeId, t: TaskRef, done: boolean): void {
  const { s } = x;
  const key = keyOf(t);
  const p = s.placed[key];
  // A duplicate, or an answer about an attempt already given up on (evicted, refused, or
  // on a machine since declared down). An older attempt that ran to its end still counts.
  if (p === undefined || p.attempt !== t.attempt || p.machine !== from) {
    if (done) settleLate(x.s.owner!, x.c.cluster.jobById, t);
    return;
  }
  delete s.placed[key];
  if (!p.evicting) {
    const f = freeOf(s, from);
    f.cpu += p.cpu;
    f.mem += p.mem;
  }
  if (done) markDone(s.owner!, t);
  else enqueue(s.owner!, x.c.cluster.jobById, { ...t, attempt: t.attempt + 1 });
}
