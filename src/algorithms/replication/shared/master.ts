// The configuration master of replication/primary-backup and replication/chain (the
// "master" of van Renesse & Schneider §3, the view service of primary-backup): node 1 pings
// every replica each `pingMs`; a member silent for `suspectMs`, or one that says it
// restarted, is removed; a live replica outside the view is added at the end. Each change
// is a new view with the next epoch, sent at once and with every Ping. At most one change
// per tick.
//
// The safe set. A new primary (or head) must hold every committed entry, or acknowledged
// writes are lost. The master keeps `safe`: members known to hold every committed entry.
// All of the first view is safe; a member stays safe while it stays a member (nothing
// commits in an epoch until every member installed it, so a member that has not yet
// installed the newest epoch misses nothing); an added replica becomes safe once it
// reports (Pong) having installed the current epoch. The policy then only picks a safe
// primary (or keeps a safe head); with none, the master waits — a restarted safe member
// is kept and re-installed with its durable log. Asynchronous primary-backup disowns this
// (`requireSafe: false`): it promotes the lowest live member, as it cannot know better.
//
// Fault model: the master itself may crash (view and safe set durable; its failure
// detector starts afresh, trusting everyone for `suspectMs`); while it is down no view
// changes. It is a single process, not a replicated one (the paper's master is Paxos-
// replicated; here its crash only delays reconfiguration). Suspicion can be wrong
// (partitions, pauses): the epochs fence a deposed primary, see each algorithm.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import type { View } from './log.js';
import type { ReplicationState } from './state.js';

export interface MasterPolicy {
  /** Primary-backup: move the lowest-id eligible member first when the first one fails. */
  readonly primaryFirst: boolean;
  /** Only safe members may become (or stay) first. */
  readonly requireSafe: boolean;
}

export interface MasterConfig {
  readonly n: number;
  readonly pingMs: number;
  readonly suspectMs: number;
}

interface MasterStep {
  readonly s: ReplicationState;
  readonly env: {
    now(): number;
    send(to: NodeId, m: { type: 'Ping'; view: View }): void;
    output(o: { type: 'view'; epoch: number; members: readonly number[] }): void;
    setTimer(name: string, ms: number): void;
  };
  readonly c: MasterConfig;
}

export function masterStart(x: MasterStep): void {
  const { s, env, c } = x;
  if (!s.started) {
    s.started = true;
    s.safe = [...s.view.members];
  }
  s.heard = Array.from({ length: c.n - 1 }, () => env.now());
  env.setTimer('tick', 0);
}

/** A Pong from replica `from`. */
export function masterOnPong(x: MasterStep, from: NodeId, installed: number, rejoining: boolean) {
  const { s, env } = x;
  s.heard[from - 2] = env.now();
  s.rejoin = s.rejoin.filter((r) => r !== from);
  if (rejoining) s.rejoin.push(from);
  else if (installed === s.view.epoch && s.view.members.includes(from) && !s.safe.includes(from))
    s.safe.push(from);
  assert(
    s.safe.every((m) => s.view.members.includes(m)),
    'safe members are members',
  );
}

/** The `tick` timer: decide on one change, then ping every replica with the view. */
export function masterTick(x: MasterStep, policy: MasterPolicy): void {
  const { s, env, c } = x;
  const next = nextMembers(x, policy);
  if (next !== undefined) {
    s.view = { epoch: s.view.epoch + 1, members: next };
    s.safe = s.safe.filter((m) => next.includes(m));
    s.rejoin = s.rejoin.filter((r) => !next.includes(r));
    s.stats.views++;
    env.output({ type: 'view', epoch: s.view.epoch, members: next });
  }
  for (let r = 2; r <= c.n; r++) env.send(r, { type: 'Ping', view: s.view });
  env.setTimer('tick', c.pingMs);
  assert(s.view.members.length > 0, 'a view always has a member');
}

function nextMembers(x: MasterStep, policy: MasterPolicy): NodeId[] | undefined {
  const { s, env, c } = x;
  const live = (r: NodeId) => env.now() - (s.heard[r - 2] ?? 0) <= c.suspectMs;
  const members = s.view.members;
  const failed = members.filter((m) => !live(m) || s.rejoin.includes(m));
  if (failed.length > 0) {
    const eligible = (m: NodeId) => !policy.requireSafe || s.safe.includes(m);
    let kept = members.filter((m) => !failed.includes(m));
    // No eligible survivor: keep the failed members that are back and safe (re-installed).
    if (!kept.some(eligible))
      kept = members.filter((m) => !failed.includes(m) || (live(m) && s.safe.includes(m)));
    if (!kept.some(eligible)) return undefined; // Wait for a safe member to come back.
    if (policy.primaryFirst && kept[0] !== members[0]) {
      const first = Math.min(...kept.filter(eligible));
      return [first, ...kept.filter((m) => m !== first)];
    }
    return eligible(kept[0]!) ? kept : undefined;
  }
  for (let r = 2; r <= c.n; r++) if (!members.includes(r) && live(r)) return [...members, r];
  return undefined;
}
