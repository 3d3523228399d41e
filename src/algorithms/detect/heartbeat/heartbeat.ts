// Heartbeat failure detection with a choice of detector (issue 21). Every node sends a
// Heartbeat to every other node every `intervalMs`, and monitors every peer with either a
// fixed timeout or the φ accrual detector (reliability/detect). It outputs `suspect` when a
// peer becomes suspected and `trust` when a suspected peer is heard from again, and
// `majority` whenever its view of the partition changes: it and the peers it trusts are, or
// are no longer, a majority of the cluster — the minority side of a partition learns it is
// the minority.
//
// The `check` timer is armed for the earliest moment a trusted peer becomes suspect if
// nothing arrives (a fixed timeout's end; for φ, when φ would reach the threshold), and
// re-armed after every arrival, so suspicion is exact rather than polled.
//
// Fault model: every fault the simulator has. A detector sees only silence, so loss, delay,
// partitions and pauses make it suspect live peers — that is its false-positive rate, a
// metric, not a broken invariant (strong accuracy cannot hold in an asynchronous system).
// What it must do is eventually suspect a crashed peer for good (completeness) and trust
// every live peer again once the network behaves (eventual accuracy): invariants.ts.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import {
  fixedTimeoutDeadlineMs,
  freshMonitor,
  heardFrom,
  initPhiHistory,
  partitionView,
  phiDeadlineMs,
  phiHeartbeat,
  suspectWhere,
} from '../../../reliability/detect/index.js';
import type { HeartbeatMessage } from './messages.js';
import type { HeartbeatConfig } from './options.js';
import { type DetectOutput, type HeartbeatState, initHeartbeatState } from './state.js';

type X = Step<HeartbeatMessage, DetectOutput, HeartbeatState, HeartbeatConfig>;

export type HeartbeatTimer = 'beat' | 'check';

/** When `peer` becomes suspect if nothing arrives from it first (local time). */
function deadlineMs({ s, c }: X, peer: NodeId): number {
  const d = c.detector;
  if (d.kind === 'fixed')
    return fixedTimeoutDeadlineMs(s.monitor.lastHeardMs[peer] ?? 0, d.timeoutMs);
  const h = s.histories[peer];
  assert(h !== undefined, 'the φ detector keeps a history for every peer');
  return phiDeadlineMs(h, d.phi);
}

/** Arms `check` for the earliest deadline of a trusted peer (none trusted: no check). */
function checkArm(x: X): void {
  const { s, env } = x;
  let earliest = Number.POSITIVE_INFINITY;
  for (const p of env.peers)
    if (!s.monitor.suspected.includes(p)) earliest = Math.min(earliest, deadlineMs(x, p));
  if (earliest === Number.POSITIVE_INFINITY) return env.cancelTimer('check');
  env.setTimer('check', Math.max(0, Math.ceil(earliest - env.now())));
}

/** Reports a change in whether this node sees a majority. */
function majorityUpdate({ s, env }: X): void {
  const view = partitionView(env.nodes, env.id, s.monitor.suspected);
  if (view.majority === s.majority) return;
  s.majority = view.majority;
  env.output({ type: 'majority', majority: view.majority, reachable: view.reachable.length });
}

/** Whether (epoch, seq) is newer than anything heard from `from` before; records it. */
function isNewBeat({ s }: X, from: NodeId, m: HeartbeatMessage): boolean {
  const last = s.latest[from];
  if (last !== undefined && (m.epoch < last.epoch || (m.epoch === last.epoch && m.seq <= last.seq)))
    return false;
  s.latest[from] = { epoch: m.epoch, seq: m.seq };
  return true;
}

export const createHeartbeat = defineProcess<
  HeartbeatMessage,
  DetectOutput,
  HeartbeatState,
  HeartbeatConfig,
  HeartbeatTimer
>({
  init: initHeartbeatState,
  durable: ['epoch'],
  onStart(x) {
    const { s, env, c } = x;
    s.epoch++;
    const now = env.now();
    s.monitor = freshMonitor(env.peers, now);
    const d = c.detector;
    if (d.kind === 'phi')
      s.histories = Object.fromEntries(env.peers.map((p) => [p, initPhiHistory(now, d.phi)]));
    env.setTimer('beat', 0);
    checkArm(x);
    assert(s.epoch >= 1, 'incarnations count from 1');
    assert(s.monitor.suspected.length === 0, 'a fresh detector trusts every peer');
  },
  onMessage: {
    Heartbeat(x, from, m) {
      const { s, env, c } = x;
      if (!isNewBeat(x, from, m)) return; // A duplicate, or overtaken by a newer beat.
      const d = c.detector;
      if (d.kind === 'phi') {
        const h = s.histories[from];
        assert(h !== undefined, 'the φ detector keeps a history for every peer');
        phiHeartbeat(h, env.now(), d.phi);
      }
      if (heardFrom(s.monitor, from, env.now())) {
        env.output({ type: 'trust', peer: from });
        majorityUpdate(x);
      }
      checkArm(x);
      assert(!s.monitor.suspected.includes(from), 'a peer just heard from is trusted');
      assert(s.monitor.lastHeardMs[from] === env.now(), 'the arrival is recorded');
    },
  },
  onTimer: {
    beat(x) {
      const { s, env, c } = x;
      s.seq++;
      env.broadcast({ type: 'Heartbeat', epoch: s.epoch, seq: s.seq });
      env.setTimer('beat', c.intervalMs);
      assert(s.seq >= 1, 'beats count from 1');
      assert(c.intervalMs > 0, 'beats are periodic');
    },
    check(x) {
      const { s, env } = x;
      const now = env.now();
      const late = suspectWhere(s.monitor, env.peers, (p) => now >= deadlineMs(x, p));
      for (const peer of late) env.output({ type: 'suspect', peer });
      if (late.length > 0) majorityUpdate(x);
      checkArm(x);
      assert(!s.monitor.suspected.includes(env.id), 'a node never suspects itself');
      assert(
        s.majority === partitionView(env.nodes, env.id, s.monitor.suspected).majority,
        'the majority view follows the suspicions',
      );
    },
  },
});
