// A launcher's side of the machines' heartbeats and leases (lease.ts): which machines are
// up, in which session, and when it last renewed each one's lease. A heartbeat from a new
// session means the machine restarted or its lease lapsed — every task the launcher had put
// on it is gone; a machine whose lease the launcher has not renewed for DOWN_AFTER_MS is
// declared down, its tasks gone too. Either way the caller reschedules them, and places
// nothing on a machine that is not up.
//
// `members` (session, up) may be durable (Borg's scheduler keeps its state in its Paxos
// store); `renewedMs` never is: a restarted launcher does not know when it last renewed a
// lease, so it counts every lease as renewed at its restart — later than the truth, hence
// safe — and declares nothing down sooner than DOWN_AFTER_MS after it.

import { assert } from '../../../core/assert.js';
import type { Env, NodeId } from '../../../core/process.js';
import { DOWN_AFTER_MS } from './lease.js';
import type { MachineMessage } from './messages.js';
import type { SchedulingOutput } from './outputs.js';

export interface Member {
  readonly machine: NodeId;
  /** The newest session heard from (0: never heard from). */
  session: number;
  /** Registered in `session` and not declared down since. */
  up: boolean;
}

export function initMembers(machines: readonly NodeId[]): Member[] {
  return machines.map((machine) => ({ machine, session: 0, up: false }));
}

/** What a heartbeat means to the launcher. */
export type HeartbeatVerdict =
  /** From an older session, or one declared down: ignore it, do not answer. */
  | 'stale'
  /** A new session: forget what was on the machine, then take it as up. */
  | 'fresh'
  /** The current session: renew the lease. */
  | 'renew';

/**
 * Judges a heartbeat and, unless stale, records it: the member is up in its session, and
 * its lease counts as renewed now (the caller sends the answer in the same step).
 */
export function memberHeartbeat(
  members: Member[],
  renewedMs: Record<number, number>,
  now: number,
  from: NodeId,
  session: number,
): HeartbeatVerdict {
  const m = members.find((x) => x.machine === from);
  if (m === undefined || session < m.session) return 'stale';
  if (session === m.session && !m.up) return 'stale'; // Declared down: it has lapsed since.
  const verdict = session > m.session ? 'fresh' : 'renew';
  m.session = session;
  m.up = true;
  renewedMs[from] = now;
  assert(m.up && m.session === session, 'a heard member is up in its session');
  return verdict;
}

/** Answers a heartbeat: renews the lease and acknowledges the reports it carried. */
export function answerHeartbeat(
  env: Env<MachineMessage, SchedulingOutput>,
  to: NodeId,
  m: Extract<MachineMessage, { type: 'Heartbeat' }>,
): void {
  const acked = m.reports.map((r) => r.task);
  env.send(to, { type: 'HeartbeatAck', session: m.session, sentMs: m.sentMs, acked });
}

/** The watch timer: every up member not renewed for DOWN_AFTER_MS is declared down. */
export function membersExpired(
  members: Member[],
  renewedMs: Record<number, number>,
  now: number,
): NodeId[] {
  const down: NodeId[] = [];
  for (const m of members) {
    if (!m.up) continue;
    const at = renewedMs[m.machine];
    assert(at !== undefined, 'an up member has a renewal time');
    if (now - at <= DOWN_AFTER_MS) continue;
    m.up = false;
    down.push(m.machine);
  }
  return down;
}

/** After the launcher's restart: count every lease as renewed now (see the header). */
export function membersRestarted(members: readonly Member[], now: number): Record<number, number> {
  const renewedMs: Record<number, number> = {};
  for (const m of members) if (m.up) renewedMs[m.machine] = now;
  return renewedMs;
}

export function isUp(members: readonly Member[], machine: NodeId): boolean {
  return members.some((m) => m.machine === machine && m.up);
}

export function sessionOf(members: readonly Member[], machine: NodeId): number {
  const m = members.find((x) => x.machine === machine);
  assert(m !== undefined, 'the machine is a member');
  assert(m.up, 'a launcher launches only on machines that are up');
  return m.session;
}
