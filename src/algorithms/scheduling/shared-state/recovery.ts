// How an Omega scheduler survives lost messages and crashes (shared/lease.ts, members.ts).
// Each scheduler holds its own leases with every machine — there is no master in between —
// and answers for its own tasks only:
//   - a commit (Launch) is sent again every RETRY_MS until its machine answers; the machine
//     answers a repeat from its record, so a commit never starts a task twice;
//   - task ends ride on every heartbeat until acknowledged, and apply at most once;
//   - a machine whose lease this scheduler has not renewed for DOWN_AFTER_MS is down, and one
//     heard from in a new session has lost this scheduler's tasks: its claims and running
//     tasks there are queued again as new attempts (other schedulers' tasks are theirs);
//   - heartbeats carry the machine's usage, so a restarted scheduler's copy of the cell state
//     (volatile) is whole again within one heartbeat; its books are durable (state.ts).

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { RETRY_MS } from '../shared/lease.js';
import { answerHeartbeat, memberHeartbeat, membersExpired, sessionOf } from '../shared/members.js';
import type { MachineMessage } from '../shared/messages.js';
import { enqueue } from '../shared/owner.js';
import { type Job, type TaskSpec, taskOf } from '../shared/workload.js';
import type { X } from './options.js';
import { schedulerFinished, schedulerSeeUsage } from './scheduler.js';
import type { Claim } from './state.js';

const ownerIndex = (x: X) => x.env.id - 1;

/** Every claim and task of this scheduler's on `machine` is gone: queue them again. */
function dropMachine(x: X, machine: NodeId): void {
  const { s, c } = x;
  const owner = s.owner;
  assert(owner !== null, 'only schedulers commit');
  for (const table of [s.claims, s.running]) {
    for (const [key, claim] of Object.entries(table)) {
      if (claim.machine !== machine) continue;
      delete table[key];
      const [job, index] = key.split('.').map(Number) as [number, number];
      enqueue(owner, c.cluster.jobById, { job, index, attempt: claim.attempt + 1 });
    }
  }
  const left = [...Object.values(s.claims), ...Object.values(s.running)];
  assert(!left.some((claim) => claim.machine === machine), 'nothing is left on the machine');
}

/**
 * A machine's heartbeat: its usage, its reports, its session; then renew its lease.
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
  schedulerSeeUsage(x, m.usage);
  for (const r of m.reports) schedulerFinished(x, from, r.task, r.preempted);
  if (verdict === 'fresh') dropMachine(x, from);
  answerHeartbeat(env, from, m);
  assert(sessionOf(s.members, from) === m.session, 'the heartbeat’s session is current');
  return verdict === 'fresh' || m.reports.length > 0;
}

/** The watch timer: machines past their lease, then retransmissions. Whether books changed. */
export function schedulerWatch(x: X): boolean {
  const { s, env, c } = x;
  const now = env.now();
  const down = membersExpired(s.members, s.renewedMs, now);
  for (const machine of down) {
    env.note(`machine ${machine} is down: this scheduler's tasks there are queued again`);
    dropMachine(x, machine);
  }
  // Commits unanswered for RETRY_MS go again, grouped as they were made (machine, version).
  const due = new Map<string, { machine: NodeId; version: number; tasks: TaskSpec[] }>();
  for (const [key, claim] of Object.entries(s.claims) as [string, Claim][]) {
    if (now - claim.sentMs < RETRY_MS) continue;
    const [job, index] = key.split('.').map(Number) as [number, number];
    const spec = taskOf(c.cluster.jobById.get(job) as Job, index, claim.attempt, ownerIndex(x));
    const group = `${claim.machine}/${claim.seen}`;
    const l = due.get(group) ?? { machine: claim.machine, version: claim.seen, tasks: [] };
    due.set(group, l);
    l.tasks.push(spec);
    s.claims[key] = { ...claim, sentMs: now };
  }
  for (const l of [...due.values()].sort(
    (a, b) => a.machine - b.machine || a.version - b.version,
  )) {
    const session = sessionOf(s.members, l.machine);
    env.send(l.machine, {
      type: 'Launch',
      tasks: l.tasks,
      preempt: [],
      version: l.version,
      session,
    });
  }
  env.setTimer('watch', RETRY_MS);
  assert(
    Object.values(s.claims).every((claim) => now - claim.sentMs < RETRY_MS),
    'every open commit is in flight',
  );
  return down.length > 0 || due.size > 0;
}
