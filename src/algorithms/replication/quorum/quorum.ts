// Dynamo-style quorum replication (DeCandia et al., SOSP 2007; seed notes 001 §6, 003):
// each key lives on the first N nodes of its preference list (ring.ts). Any node
// coordinates its client's operations: a put gets a new vector-clock version (the client's
// context with the coordinator's counter raised) and completes after W replicas stored it; a
// get completes after R replicas answered, with every sibling — versions whose clocks are
// concurrent — that the replies hold; the client reports one value (versions.ts `resolve`)
// and its next put supersedes them all. With R + W > N every read meets every acknowledged
// write (a strict quorum); otherwise reads may miss them.
// Around that, the mechanisms that make replicas converge:
// - read repair: a get writes the merge of the replies back to the replicas that were
//   behind (also for replies that arrive after it completed);
// - anti-entropy: every `antiEntropyMs` a replica sends each key it holds to the key's
//   other preferred replicas (a stand-in for Dynamo's Merkle-tree exchange, §4.7);
// - sloppy quorum and hinted handoff (options): a coordinator that hears too few replicas
//   asks the next nodes on the ring; a stand-in keeps the version as a hint for the silent
//   replica and hands it off when it answers again. Writes then succeed on the minority
//   side of a partition (availability) and conflict as siblings after it heals.
//
//   client ──put/get──▶ coordinator ──Put/Get──▶ N preferred replicas (or stand-ins)
//                          ◀──W PutAcks / R GetReplies──
//
// Fault model: crash-recovery (store, hints, counters durable), lossy, duplicating,
// reordering links, partitions, pauses, drift. It promises convergence (eventual
// consistency) and that no acknowledged write is lost, once faults heal; what the history
// satisfies beyond that depends on N, R, W and sloppiness (index.ts `promises`).

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import { clientNext } from './client.js';
import { coordinate, onOpTimeout, onReply } from './coordinator.js';
import type { QuorumMessage, QuorumOutput } from './messages.js';
import type { QuorumConfig } from './options.js';
import { antiEntropy, handOff, localSiblings, storeHint, storeSiblings } from './replica.js';
import { initQuorumState, type QuorumState } from './state.js';

export type QuorumTimer = 'next' | 'op' | 'sync' | 'handoff';

export { coordinate };

export const createQuorum = defineProcess<
  QuorumMessage,
  QuorumOutput,
  QuorumState,
  QuorumConfig,
  QuorumTimer
>({
  init: initQuorumState,
  durable: ['store', 'hints', 'counter', 'seq'],
  onStart(x) {
    const { env, c } = x;
    env.setTimer('next', 0);
    if (c.antiEntropyMs > 0) env.setTimer('sync', c.antiEntropyMs);
    if (c.sloppy && c.hintedHandoff) env.setTimer('handoff', c.timeoutMs);
  },
  onMessage: {
    Put(x, from, m) {
      const { env } = x;
      if (m.hint === 0 || m.hint === env.id) storeSiblings(x, m.key, [m.version]);
      else storeHint(x, m.hint, m.key, m.version);
      env.send(from, { type: 'PutAck', req: m.req });
      assert(localSiblings(x, m.key).length > 0, 'a stored version is kept or superseded');
    },
    PutAck(x, from, m) {
      onReply(x, from, m.req, []);
    },
    Get(x, from, m) {
      x.env.send(from, {
        type: 'GetReply',
        req: m.req,
        key: m.key,
        siblings: localSiblings(x, m.key),
      });
    },
    GetReply(x, from, m) {
      const op = x.s.op;
      // A reply for another key than the request's is a lie within the shape: ignore it.
      if (op !== null && op.req === m.req && op.key !== m.key) return;
      if (x.s.lastGet !== null && x.s.lastGet.req === m.req && x.s.lastGet.key !== m.key) return;
      onReply(x, from, m.req, m.siblings);
    },
    Repair(x, _from, m) {
      storeSiblings(x, m.key, m.siblings);
    },
    Handoff(x, from, m) {
      storeSiblings(x, m.key, m.siblings);
      x.env.send(from, { type: 'HandoffAck', hint: m.hint });
    },
    HandoffAck(x, from, m) {
      const { s } = x;
      const before = s.hints.length;
      s.hints = s.hints.filter((h) => !(h.id === m.hint && h.owner === from));
      if (s.hints.length < before) s.stats.handoffs++;
      assert(s.hints.length >= before - 1, 'one ack drops at most one hint');
    },
  },
  onTimer: {
    next: clientNext,
    op: onOpTimeout,
    sync(x) {
      antiEntropy(x);
      x.env.setTimer('sync', x.c.antiEntropyMs);
    },
    handoff(x) {
      handOff(x);
      x.env.setTimer('handoff', x.c.timeoutMs);
    },
  },
});
