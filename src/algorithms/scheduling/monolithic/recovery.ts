// How the monolithic scheduler survives lost messages and crashes (lease.ts, members.ts):
//   - a Launch is sent again every RETRY_MS until its machine answers; the machine answers
//     a repeat from its record, so a task never starts twice (machine.ts);
//   - a machine's reports (task ends) come again in each Heartbeat until acknowledged, and
//     are applied at most once (schedulerRelease matches the attempt);
//   - a machine that stops renewing its lease is declared down after DOWN_AFTER_MS, and a
//     machine heard from in a new session (restarted, or its lease lapsed) has lost its
//     tasks: either way every task placed on it is queued again as a new attempt, as Borg
//     reschedules the tasks of a lost Borglet (EuroSys 2015 §3.3);
//   - a restarted scheduler reads its books back (state.ts: durable fields) and carries on.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { RETRY_MS } from '../shared/lease.js';
import { answerHeartbeat, memberHeartbeat, membersExpired, sessionOf } from '../shared/members.js';
import type { MachineMessage } from '../shared/messages.js';
import { enqueue } from '../shared/owner.js';
import type { TaskRef, TaskSpec } from '../shared/workload.js';
import { taskOf } from '../shared/workload.js';
import type { X } from './options.js';
import { schedulerRelease } from './scheduler.js';
import type { Placed } from './state.js';

const refOf = (key: string, attempt: number): TaskRef => {
  const [job, index] = key.split('.').map(Number) as [number, number];
  return { job, index, attempt };
};

/** Every task placed on `machine` is gone: free its room and queue it again. */
function dropMachine(x: X, machine: NodeId): void {
  const { s, c } = x;
  const owner = s.owner;
  assert(owner !== null, 'only the scheduler places');
  for (const [key, p] of Object.entries(s.placed)) {
    if (p.machine !== machine) continue;
    delete s.placed[key];
    const f = s.free.find((g) => g.machine === machine);
    if (f !== undefined && !p.evicting) {
      f.cpu += p.cpu;
      f.mem += p.mem;
    }
    const t = refOf(key, p.attempt);
    enqueue(owner, c.cluster.jobById, { ...t, attempt: t.attempt + 1 });
  }
  const f = s.free.find((g) => g.machine === machine);
  assert(f?.cpu === c.cluster.capacity.cpu, 'an emptied machine is wholly free');
}

/**
 * A machine's heartbeat: take in its reports, then its session, and renew its lease.
 * Returns whether the books changed (a plain renewal changes nothing durable).
 */
export function schedulerHeartbeat(
  x: X,
  from: NodeId,
  m: Extract<MachineMessage, { type: 'Heartbeat' }>,
): boolean {
  const { s, env } = x;
  const verdict = memberHeartbeat(s.members, s.renewedMs, env.now(), from, m.session);
  if (verdict === 'stale') return false;
  for (const r of m.reports) schedulerRelease(x, from, r.task, !r.preempted);
  if (verdict === 'fresh') dropMachine(x, from);
  answerHeartbeat(env, from, m);
  assert(sessionOf(s.members, from) === m.session, 'the heartbeat’s session is current');
  return verdict === 'fresh' || m.reports.length > 0;
}

/** A machine answered a Launch: what started is confirmed, what it refused goes back. */
export function schedulerLaunched(
  x: X,
  from: NodeId,
  accepted: readonly TaskRef[],
  rejected: readonly TaskRef[],
): void {
  const { s } = x;
  for (const t of accepted) {
    const key = `${t.job}.${t.index}`;
    const p = s.placed[key];
    if (p !== undefined && p.attempt === t.attempt && p.machine === from)
      s.placed[key] = { ...p, confirmed: true };
  }
  for (const r of rejected) schedulerRelease(x, from, r, false);
  assert(
    rejected.every((t) => {
      const p = s.placed[`${t.job}.${t.index}`];
      return p === undefined || p.attempt !== t.attempt || p.machine !== from;
    }),
    'a refused attempt is no longer placed',
  );
}

/** Declares down every machine whose lease has surely lapsed; whether any was. */
function schedulerExpire(x: X): boolean {
  const { s, env } = x;
  const down = membersExpired(s.members, s.renewedMs, env.now());
  for (const machine of down) {
    env.note(`machine ${machine} is down: its tasks are rescheduled`);
    dropMachine(x, machine);
  }
  assert(
    Object.values(s.placed).every((p) => s.members.some((m) => m.machine === p.machine && m.up)),
    'tasks are placed only on machines that are up',
  );
  return down.length > 0;
}

/** Sends again every Launch unanswered for RETRY_MS, with its victims; whether any was. */
function schedulerRetry(x: X): boolean {
  const { s, env, c } = x;
  const now = env.now();
  const due = new Map<NodeId, { tasks: TaskSpec[]; preempt: TaskRef[] }>();
  const launchOf = (machine: NodeId) => {
    const l = due.get(machine) ?? { tasks: [], preempt: [] };
    due.set(machine, l);
    return l;
  };
  for (const [key, p] of Object.entries(s.placed)) {
    if (p.confirmed || p.evicting || now - p.sentMs < RETRY_MS) continue;
    const t = refOf(key, p.attempt);
    const job = c.cluster.jobById.get(t.job);
    assert(job !== undefined, 'placed tasks belong to known jobs');
    launchOf(p.machine).tasks.push(taskOf(job, t.index, t.attempt, 0));
    s.placed[key] = { ...p, sentMs: now };
  }
  for (const [machine, l] of [...due].sort(([a], [b]) => a - b)) {
    for (const [key, p] of Object.entries(s.placed) as [string, Placed][])
      if (p.machine === machine && p.evicting) l.preempt.push(refOf(key, p.attempt));
    const session = sessionOf(s.members, machine);
    env.send(machine, { type: 'Launch', tasks: l.tasks, preempt: l.preempt, version: -1, session });
  }
  assert(
    Object.values(s.placed).every((p) => p.confirmed || p.evicting || now - p.sentMs < RETRY_MS),
    'every unanswered Launch is in flight',
  );
  return due.size > 0;
}

/** The watch timer: machines past their lease, then retransmissions. Whether books changed. */
export function schedulerWatch(x: X): boolean {
  const expired = schedulerExpire(x);
  const retried = schedulerRetry(x);
  x.env.setTimer('watch', RETRY_MS);
  return expired || retried;
}
