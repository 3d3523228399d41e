// Anti-entropy gossip (Demers et al., "Epidemic algorithms for replicated database
// maintenance", PODC 1987) replicating a CRDT. Every `periodMs` each node starts a round:
// it contacts `fanout` peers drawn uniformly at random and
//   - push:      sends its replica (Push);
//   - pull:      sends its digest — `seen`, the updates it holds per origin (Pull) — and a
//                peer that holds something newer answers with its replica;
//   - push-pull: sends its replica asking for an answer; the peer merges it and answers
//                with its own when it held something the sender lacked.
// A received replica is merged (the CRDT's join and `seen`'s), so exchanges commute and
// repeats are harmless: loss, duplication and reordering only slow the spread. Writers
// (nodes 1..writers) apply one update every `updateEvery` rounds and acknowledge it
// (`ack`) once it is in their durable replica. Rounds start at multiples of `periodMs` on
// every node, as in the papers' synchronous model, so rounds to spread compare with
// log₂N + ln N for push (Pittel 1987) and log₃N + O(log log N) for push-pull (Karp et al.,
// FOCS 2000).
//
// Fault model: every fault the simulator has. The replica is durable, so a crash loses no
// acknowledged update; partitions leave each side converging on its own writes (AP) and the
// two sides converge after the heal. Peers' replicas are parsed before they are merged.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { gCounter, gCounterMerge } from '../../crdt/index.js';
import { mutate } from '../../crdt/types.js';
import { pickPeers } from '../peers.js';
import type { AntiEntropyMessage, Replica } from './messages.js';
import type { AntiEntropyConfig } from './options.js';
import {
  type AntiEntropyOutput,
  type AntiEntropyState,
  initAntiEntropyState,
  replicaOf,
} from './state.js';
import { workloadOp } from './workload.js';

type X = Step<AntiEntropyMessage, AntiEntropyOutput, AntiEntropyState, AntiEntropyConfig>;

export type AntiEntropyTimer = 'round';

/** The next round boundary on the local clock (every node's rounds start together). */
function roundArm({ env, c }: X): void {
  const now = env.now();
  env.setTimer('round', c.periodMs - (now % c.periodMs));
}

/** A writer's update for this round, if one is due: applied, durable, acknowledged. */
function roundUpdate(x: X): void {
  const { s, env, c } = x;
  const made = s.seen[env.id] ?? 0;
  if (env.id > c.writers || made >= c.updates || (s.round - 1) % c.updateEvery !== 0) return;
  const seq = made + 1;
  const op = workloadOp(c.kind, env.random, s.crdt, { id: env.id, seq, nowMs: env.now() });
  const { state, delta } = mutate(c.t, s.crdt, op, { node: env.id, seq });
  s.crdt = state;
  s.seen = gCounterMerge(s.seen, { [env.id]: seq });
  // The kernel stores the replica in this step, before anything it sends leaves.
  env.output({ type: 'ack', seq, delta });
  assert(c.t.leq(delta, s.crdt), 'an update is in the replica it is acknowledged from');
}

/** Merges `r` into this replica; returns whether we held an update `r` lacks. */
function mergeReplica(x: X, from: NodeId, r: Replica): boolean {
  const { s, env, c } = x;
  const before = s.seen;
  const ahead = !gCounter.leq(before, r.seen);
  if (!c.t.leq(r.crdt, s.crdt)) s.crdt = c.t.merge(s.crdt, r.crdt);
  if (gCounter.leq(r.seen, before)) return ahead;
  s.seen = gCounterMerge(before, r.seen);
  for (const origin of Object.keys(r.seen)) {
    const upTo = s.seen[origin] ?? 0;
    if (upTo > (before[origin] ?? 0))
      env.output({ type: 'learned', origin: Number(origin), from, upTo });
  }
  assert(gCounter.leq(before, s.seen), 'a merge never forgets an update');
  return ahead;
}

export const createAntiEntropy = defineProcess<
  AntiEntropyMessage,
  AntiEntropyOutput,
  AntiEntropyState,
  AntiEntropyConfig,
  AntiEntropyTimer
>({
  init: initAntiEntropyState,
  durable: ['crdt', 'seen'],
  onStart(x) {
    x.s.round = 0;
    roundArm(x);
    assert(x.c.fanout >= 1, 'every round contacts someone');
    assert(x.c.t.leq(x.c.t.bottom(), x.s.crdt), 'a replica starts at or above bottom');
  },
  onMessage: {
    Push(x, from, m) {
      const { s, env, c } = x;
      const ahead = mergeReplica(x, from, m.replica);
      if (m.reply && ahead) env.send(from, { type: 'Reply', replica: replicaOf(s) });
      assert(c.t.leq(m.replica.crdt, s.crdt), 'a merged replica is ⊑ ours');
      assert(gCounter.leq(m.replica.seen, s.seen), "a merged replica's updates are ours");
    },
    Reply(x, from, m) {
      const { s, c } = x;
      mergeReplica(x, from, m.replica);
      assert(c.t.leq(m.replica.crdt, s.crdt), 'a merged replica is ⊑ ours');
      assert(gCounter.leq(m.replica.seen, s.seen), "a merged replica's updates are ours");
    },
    Pull(x, from, m) {
      const { s, env } = x;
      const before = s.seen;
      const ahead = !gCounter.leq(s.seen, m.seen);
      if (ahead) env.send(from, { type: 'Reply', replica: replicaOf(s) });
      assert(from !== env.id, 'pulls come from peers');
      assert(s.seen === before, 'answering a pull changes nothing here');
    },
  },
  onTimer: {
    round(x) {
      const { s, env, c } = x;
      s.round++;
      roundUpdate(x);
      const targets = pickPeers(env.random, env.peers, c.fanout);
      for (const p of targets) {
        if (c.mode === 'pull') env.send(p, { type: 'Pull', seen: s.seen });
        else env.send(p, { type: 'Push', replica: replicaOf(s), reply: c.mode === 'push-pull' });
      }
      roundArm(x);
      assert(targets.length === Math.min(c.fanout, env.peers.length), 'fanout peers per round');
      assert(!targets.includes(env.id), 'a node never gossips with itself');
    },
  },
});
