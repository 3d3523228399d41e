// An Omega scheduler (Schwarzkopf, Konwinski, Abd-El-Malek, Wilkes, EuroSys 2013 §3.4).
// Every scheduler holds a full copy of the cell state (each machine's usage, refreshed by
// the machines' Usage messages) and owns its own jobs. To place a job it takes a snapshot of
// its copy, thinks for the job's decision time, places the tasks on the snapshot (filter,
// then score: placement.ts), and commits: one Launch per machine, a transaction against
// that machine's part of the shared state. Nothing is locked while it thinks — the
// optimistic bet is that others rarely touch the same resources.
//
// The machine judges the commit (shared/machine.ts): with `--conflicts fine` it refuses
// only tasks that no longer fit; with `coarse` it refuses the whole commit if the machine
// changed at all since the snapshot (its version moved). Refused tasks are conflicts: the
// scheduler queues them again as a new attempt and retries on a fresher copy (Omega's
// incremental transactions: what was accepted stays).
//
// Lost messages and crashes are recovery.ts's: commits are sent again until answered,
// machines that stop renewing their lease are declared down, and this scheduler commits
// only to machines that are up.
//
// The known weakness: under contention — many schedulers, a nearly full cell, long
// decisions — snapshots go stale, conflicts and retries climb, and work is done twice.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { isUp, sessionOf } from '../shared/members.js';
import type { Usage } from '../shared/messages.js';
import { enqueue, markDone, settleLate, takeJob } from '../shared/owner.js';
import { type Free, fits, pickMachine } from '../shared/placement.js';
import { decisionMs, type Job, type TaskRef, type TaskSpec, taskOf } from '../shared/workload.js';
import type { X } from './options.js';
import type { Claim } from './state.js';

const keyOf = (t: { job: number; index: number }) => `${t.job}.${t.index}`;
const ownerIndex = (x: X) => x.env.id - 1;

/** Whether a report (incarnation, version) is newer than another. */
const newer = (a: { incarnation: number; version: number }, b: Usage) =>
  a.incarnation > b.incarnation || (a.incarnation === b.incarnation && a.version > b.version);

/**
 * What this scheduler believes each machine that is up has free: its copy, minus its open
 * claims and its own tasks started after the copy's version of the machine (it knows its
 * own commits).
 */
function freeView(x: X): Free[] {
  const { s, c } = x;
  const up = s.view.filter((u) => isUp(s.members, u.machine));
  const free = up.map((u) => ({
    machine: u.machine,
    cpu: c.cluster.capacity.cpu - u.cpu,
    mem: c.cluster.capacity.mem - u.mem,
  }));
  const since = (claim: Claim) => {
    const u = s.view.find((v) => v.machine === claim.machine);
    return u !== undefined && newer(claim, u);
  };
  const mine = [...Object.values(s.claims), ...Object.values(s.running).filter(since)];
  for (const claim of mine) {
    const f = free.find((v) => v.machine === claim.machine);
    if (f === undefined) continue;
    f.cpu -= claim.cpu;
    f.mem -= claim.mem;
  }
  return free;
}

/** Takes a machine's report into the copy of the cell state if it is newer. */
export function schedulerSeeUsage(x: X, u: Usage): void {
  const i = x.s.view.findIndex((v) => v.machine === u.machine);
  if (i < 0) return; // Not a machine of this cell (a peer's mistake, dropped).
  const mine = x.s.view[i] as Usage;
  if (newer(u, mine)) x.s.view[i] = { ...u };
  assert(!newer(u, x.s.view[i] as Usage), 'the copy keeps the newest version');
}

/** Starts deciding on the first queued job with a task that fits the copy, if idle. */
export function schedulerKick(x: X): void {
  const { s, env, c } = x;
  const owner = s.owner;
  assert(owner !== null, 'only schedulers schedule');
  if (s.deciding !== null) return;
  const free = freeView(x);
  const tried = new Set<number>();
  for (const t of owner.pending) {
    if (tried.has(t.job)) continue;
    tried.add(t.job);
    const job = c.cluster.jobById.get(t.job) as Job;
    if (!free.some((f) => fits(f, job))) continue;
    s.deciding = job.id;
    s.snapshot = s.view.map((u) => ({ ...u }));
    const tasks = owner.pending.filter((p) => p.job === job.id).length;
    env.setTimer('decide', decisionMs(job, tasks, c.opts));
    return;
  }
}

/** The decide timer: place the job on the snapshot and commit, one Launch per machine. */
export function schedulerDecide(x: X): void {
  const { s, env, c } = x;
  const owner = s.owner;
  assert(owner !== null && s.deciding !== null && s.snapshot !== null, 'deciding');
  const job = c.cluster.jobById.get(s.deciding) as Job;
  const snapshot = s.snapshot;
  // Decide on the cell as it was when the decision began (plus this scheduler's own open
  // claims, which it knows of): what others did meanwhile is what a commit may conflict with.
  const current = s.view;
  s.view = snapshot;
  const free = freeView(x);
  s.view = current;
  s.deciding = null;
  s.snapshot = null;
  const launches = new Map<NodeId, TaskSpec[]>();
  for (const t of takeJob(owner, job.id)) {
    const f = pickMachine(free, job, c.cluster.capacity);
    if (f === undefined) {
      enqueue(owner, c.cluster.jobById, t);
      continue;
    }
    f.cpu -= job.cpu;
    f.mem -= job.mem;
    const claim = { machine: f.machine, attempt: t.attempt, cpu: job.cpu, mem: job.mem };
    const seen = c.opts.conflicts === 'coarse' ? seenVersion(snapshot, f.machine) : -1;
    const session = sessionOf(s.members, f.machine);
    const sent = { seen, session, sentMs: env.now() };
    s.claims[keyOf(t)] = { ...claim, version: -1, incarnation: 0, ...sent };
    launches.set(f.machine, [
      ...(launches.get(f.machine) ?? []),
      taskOf(job, t.index, t.attempt, ownerIndex(x)),
    ]);
  }
  for (const m of [...launches.keys()].sort((a, b) => a - b)) {
    const version = c.opts.conflicts === 'coarse' ? seenVersion(snapshot, m) : -1;
    const tasks = launches.get(m) as TaskSpec[];
    env.send(m, { type: 'Launch', tasks, preempt: [], version, session: sessionOf(s.members, m) });
  }
  assert(
    [...launches.values()].flat().every((t) => s.claims[keyOf(t)]?.attempt === t.attempt),
    'every task committed is an open claim',
  );
  schedulerKick(x);
  assert(s.deciding === null || s.snapshot !== null, 'a new decision reads a snapshot');
}

function seenVersion(snapshot: readonly Usage[], machine: NodeId): number {
  const seen = snapshot.find((u) => u.machine === machine);
  assert(seen !== undefined, 'the snapshot has every machine');
  return seen.version;
}

/** A machine answered a commit: keep what started, retry what conflicted. */
export function schedulerLaunched(
  x: X,
  from: NodeId,
  accepted: readonly TaskRef[],
  rejected: readonly TaskRef[],
  usage: Usage,
): void {
  const { s, env, c } = x;
  const open = (t: TaskRef) => {
    const claim = s.claims[keyOf(t)];
    return claim !== undefined && claim.attempt === t.attempt && claim.machine === from;
  };
  for (const t of accepted) {
    if (!open(t)) continue; // A duplicate answer.
    const { version, incarnation } = usage;
    s.running[keyOf(t)] = { ...(s.claims[keyOf(t)] as Claim), version, incarnation };
    delete s.claims[keyOf(t)];
  }
  for (const t of rejected) {
    if (!open(t)) continue;
    delete s.claims[keyOf(t)];
    env.output({ type: 'conflict', job: t.job, index: t.index });
    enqueue(s.owner as NonNullable<typeof s.owner>, c.cluster.jobById, {
      ...t,
      attempt: t.attempt + 1,
    });
  }
  assert(
    accepted.every((t) => s.claims[keyOf(t)]?.attempt !== t.attempt),
    'an answered claim is closed',
  );
}

/** One of this scheduler's tasks ended (or, `preempted`, was stopped: it runs again). */
export function schedulerFinished(x: X, from: NodeId, t: TaskRef, preempted: boolean): void {
  const { s, c } = x;
  const owner = s.owner as NonNullable<typeof s.owner>;
  const r = s.running[keyOf(t)] ?? s.claims[keyOf(t)];
  if (r === undefined || r.attempt !== t.attempt || r.machine !== from) {
    if (!preempted) settleLate(owner, c.cluster.jobById, t);
    return;
  }
  // A Finished may overtake its own Launched: the task ran either way.
  delete s.running[keyOf(t)];
  delete s.claims[keyOf(t)];
  if (preempted) enqueue(owner, c.cluster.jobById, { ...t, attempt: t.attempt + 1 });
  else markDone(owner, t);
  assert(s.running[keyOf(t)] === undefined, 'an ended task no longer runs');
}
