// How the Mesos master survives lost messages and crashes (shared/lease.ts, members.ts;
// Hindman et al., NSDI 2011 §3.6, and Mesos' agent re-registration and task reconciliation):
//   - a Launch is sent again every RETRY_MS until its machine answers (the machine answers a
//     repeat from its record); task ends ride on every heartbeat until acknowledged;
//   - a machine that stops renewing its lease is declared down after DOWN_AFTER_MS, and one
//     heard from in a new session has lost its tasks: each is reported lost to its framework,
//     which queues it again;
//   - the master keeps nothing durable but its epoch. Restarted, it learns the machines from
//     their heartbeats — adopting the tasks they still run (a machine's lease outlives a
//     short outage) — and the frameworks' reconciliation brings back the rest. It answers
//     "lost" for a task it does not know only DOWN_AFTER_MS after its start, when every lease
//     the old master granted has surely lapsed, so a task it calls lost is not running on a
//     machine yet to re-register; and it never launches an attempt it has called lost.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { DOWN_AFTER_MS, RETRY_MS } from '../shared/lease.js';
import { answerHeartbeat, memberHeartbeat, membersExpired, sessionOf } from '../shared/members.js';
import type { MachineMessage } from '../shared/messages.js';
import { type TaskRef, type TaskSpec, taskOf } from '../shared/workload.js';
import { addAlloc, freeOf, master, masterTaskEnded } from './master.js';
import type { X } from './options.js';

/** Offer ids of one master incarnation: epoch × this + n, never reused after a restart. */
const OFFER_IDS_PER_EPOCH = 1_000_000;
const EPOCH_KEY = 'scheduling/two-level/master-epoch';

const keyOf = (t: { job: number; index: number }) => `${t.job}.${t.index}`;
const refOf = (t: TaskRef): TaskRef => ({ job: t.job, index: t.index, attempt: t.attempt });

/** A master's (re)start: a new epoch, so offers of the old one are never mistaken for new. */
export function masterStart(x: X): void {
  const m = master(x);
  const epoch = (x.env.storage.get<number>(EPOCH_KEY) ?? 0) + 1;
  x.env.storage.set(EPOCH_KEY, epoch);
  m.nextOffer = epoch * OFFER_IDS_PER_EPOCH + 1;
  m.startedMs = x.env.now();
  assert(m.nextOffer > OFFER_IDS_PER_EPOCH, 'offer ids carry the epoch');
}

/** Every task on `machine` is gone: each is reported lost to its framework. */
function dropMachine(x: X, machine: NodeId): void {
  const m = master(x);
  for (const [key, t] of Object.entries(m.tasks)) {
    if (t.machine !== machine) continue;
    const [job, index] = key.split('.').map(Number) as [number, number];
    masterTaskEnded(x, machine, { job, index, attempt: t.attempt }, true);
  }
  assert(!Object.values(m.tasks).some((t) => t.machine === machine), 'nothing left on it');
}

/** Takes in the tasks a re-registering machine runs for the master (after its restart). */
function adopt(x: X, machine: NodeId, running: readonly TaskSpec[]): void {
  const m = master(x);
  const session = sessionOf(m.members, machine);
  for (const t of running) {
    const framework = t.owner + 2;
    const f = freeOf(m, machine);
    if (!x.c.frameworks.includes(framework) || f === undefined) continue; // A peer's error.
    if (m.tasks[keyOf(t)] !== undefined || (m.lost[keyOf(t)] ?? -1) >= t.attempt) continue;
    if (t.cpu > f.cpu || t.mem > f.mem) continue; // Beyond what the master can account for.
    const known = { framework, machine, attempt: t.attempt, cpu: t.cpu, mem: t.mem };
    m.tasks[keyOf(t)] = { ...known, session, confirmed: true, sentMs: x.env.now() };
    f.cpu -= t.cpu;
    f.mem -= t.mem;
    addAlloc(m, framework, t.cpu, t.mem);
  }
}

/** A machine's heartbeat: its reports, its session (adopting its tasks if new); renew. */
export function masterHeartbeat(
  x: X,
  from: NodeId,
  hb: Extract<MachineMessage, { type: 'Heartbeat' }>,
): void {
  const m = master(x);
  const verdict = memberHeartbeat(m.members, m.renewedMs, x.env.now(), from, hb.session);
  if (verdict === 'stale') return;
  for (const r of hb.reports) masterTaskEnded(x, from, r.task, r.preempted);
  if (verdict === 'fresh') {
    dropMachine(x, from);
    adopt(x, from, hb.running);
  }
  answerHeartbeat(x.env, from, hb);
  assert(sessionOf(m.members, from) === hb.session, 'the heartbeat’s session is current');
}

/** A machine answered a Launch: what started is confirmed, what it refused is lost. */
export function masterLaunched(
  x: X,
  from: NodeId,
  accepted: readonly TaskRef[],
  rejected: readonly TaskRef[],
): void {
  const m = master(x);
  for (const t of accepted) {
    const known = m.tasks[keyOf(t)];
    if (known !== undefined && known.attempt === t.attempt && known.machine === from)
      m.tasks[keyOf(t)] = { ...known, confirmed: true };
  }
  for (const t of rejected) masterTaskEnded(x, from, t, true);
  assert(
    rejected.every((t) => {
      const known = m.tasks[keyOf(t)];
      return known === undefined || known.attempt !== t.attempt || known.machine !== from;
    }),
    'a refused attempt is no longer launched',
  );
}

/** Part of the tick: machines past their lease go down; unanswered Launches go again. */
export function masterWatch(x: X): void {
  const m = master(x);
  const now = x.env.now();
  for (const machine of membersExpired(m.members, m.renewedMs, now)) {
    x.env.note(`machine ${machine} is down: its tasks are lost`);
    dropMachine(x, machine);
  }
  const due = new Map<NodeId, TaskSpec[]>();
  for (const [key, t] of Object.entries(m.tasks)) {
    if (t.confirmed || now - t.sentMs < RETRY_MS) continue;
    const [job, index] = key.split('.').map(Number) as [number, number];
    const spec = x.c.cluster.jobById.get(job);
    assert(spec !== undefined, 'launched tasks belong to known jobs');
    const task = taskOf(spec, index, t.attempt, t.framework - 2);
    due.set(t.machine, [...(due.get(t.machine) ?? []), task]);
    m.tasks[key] = { ...t, sentMs: now };
  }
  for (const [machine, tasks] of [...due].sort(([a], [b]) => a - b)) {
    const session = sessionOf(m.members, machine);
    x.env.send(machine, { type: 'Launch', tasks, preempt: [], version: -1, session });
  }
}

/** A framework's reconciliation: answer for each task the master knows ended, or not at all. */
export function masterReconcile(x: X, fw: NodeId, tasks: readonly TaskRef[]): void {
  const m = master(x);
  const settled = x.env.now() - m.startedMs > DOWN_AFTER_MS;
  for (const t of tasks) {
    const key = keyOf(t);
    const known = m.tasks[key];
    if (known !== undefined && known.attempt === t.attempt) continue; // Launched: running.
    const ended = m.ended[key];
    if (ended !== undefined && ended.attempt === t.attempt) {
      x.env.send(fw, { type: ended.done ? 'TaskFinished' : 'TaskLost', task: refOf(t) });
      continue;
    }
    if (!settled) continue; // A machine may yet re-register with it.
    m.lost[key] = Math.max(m.lost[key] ?? -1, t.attempt);
    x.env.send(fw, { type: 'TaskLost', task: refOf(t) });
  }
}
