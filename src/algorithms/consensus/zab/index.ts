// consensus/zab — ZooKeeper's atomic broadcast [003, 004]: the fast leader election and
// epoch establishment of election/zab-fle (phases 0–1), then synchronization and broadcast
// (phases 2–3) in server.ts; ZAB's properties in invariants.ts. Every server also runs a
// small client that submits `requests` writes (learners forward them to the leader).
//
// Fault model: crash-recovery with durable history, epochs and delivered zxid; lossy,
// duplicating, reordering and delaying links, partitions, pauses, drift. The properties hold
// under all of them; progress needs a quorum up and connected.

import { defineAlgorithm, type Liveness } from '../../../core/algorithm.js';
import { oneLeaderPerTerm } from '../../election/workload.js';
import { isVoter, quorumSpec } from '../../election/zab-fle/quorum.js';
import { zabInvariants } from './invariants.js';
import { parseZabMessage, type ZabMessage } from './messages.js';
import { createZabServer, type ZabNodeState, type ZabOutput } from './server.js';

export interface ZabOptions {
  readonly requests: number;
  readonly thinkMs: number;
  readonly observers: readonly number[];
  readonly weights: readonly number[];
}

const allDelivered: Liveness<ZabNodeState, ZabOutput> = {
  name: 'every live server delivers every write',
  check(view) {
    const up = view.nodes.filter((n) => n.up && n.state !== undefined);
    const behind = up.filter((n) => n.state?.zab.pending !== null);
    if (behind.length > 0) return `writes of ${behind.map((n) => n.id).join(',')} pending`;
    const ends = new Set(up.map((n) => n.state?.zab.delivered));
    return ends.size <= 1 ? undefined : `servers delivered up to different zxids`;
  },
};

export const zab = defineAlgorithm<ZabMessage, ZabOutput, ZabNodeState, ZabOptions>({
  name: 'consensus/zab',
  family: 'consensus',
  summary: "ZooKeeper's atomic broadcast: FLE, discovery, synchronization, broadcast by zxid",
  seed: '003; 004',
  nodes: { default: 5, min: 1, max: 32 },
  durationMs: 4_000,
  livenessDeadlineMs: 5_000,
  options: {
    requests: { kind: 'int', default: 5, min: 0, max: 10_000, description: 'writes per server' },
    thinkMs: { kind: 'int', default: 100, min: 0, max: 60_000, description: 'mean pause' },
    observers: { kind: 'ints', default: [], description: 'ids of observers (learn, never vote)' },
    weights: { kind: 'ints', default: [], description: 'voting weights of servers 1..n' },
  },
  parseMessage: (raw, ctx) => parseZabMessage(raw, ctx.nodes.length),
  create: (id, ctx) => {
    const quorum = quorumSpec(ctx.nodes, ctx.options.weights, ctx.options.observers);
    return createZabServer(id, {
      fle: {
        quorum,
        finalizeMs: 200,
        pingMs: 50,
        suspectAfterMs: 300,
        establishMs: 600,
        initialZxid: 0,
        initialEpoch: 1,
      },
      quorum,
      requests:
        isVoter(quorum, id) || ctx.options.observers.includes(id) ? ctx.options.requests : 0,
      thinkMs: ctx.options.thinkMs,
      tickMs: 50,
      retryMs: 400,
      resendBatch: 32,
    });
  },
  invariants: () => [oneLeaderPerTerm(), ...zabInvariants()],
  liveness: () => [allDelivered],
  metrics: (view) => {
    const count = (type: ZabOutput['type']) =>
      view.outputs.filter((o) => o.output.type === type).length;
    const delivered = new Map<number, number>();
    for (const o of view.outputs)
      if (o.output.type === 'deliver') delivered.set(o.node, (delivered.get(o.node) ?? 0) + 1);
    const writes = count('complete');
    return {
      leader: view.nodes.find((n) => n.up && n.state?.role === 'leader')?.id ?? null,
      commits: Math.max(0, ...delivered.values()),
      epochChanges: Math.max(0, count('elected') - 1),
      proposals: count('propose'),
      writes,
      messagesPerWrite: writes === 0 ? null : Math.round((view.stats.sent / writes) * 100) / 100,
    };
  },
  messageCount: {
    formula: '3(n−1) per write: a Proposal, an Ack and a Commit per learner (re-sends extra)',
    compare: (view, ctx) => {
      const writes = view.outputs.filter((o) => o.output.type === 'complete').length;
      const b = view.stats.byType;
      return {
        expected: 3 * (ctx.nodes.length - 1) * writes,
        measured: (b.Proposal ?? 0) + (b.Ack ?? 0) + (b.Commit ?? 0),
      };
    },
  },
  scenarios: [
    {
      name: 'leader-crash-mid-broadcast',
      description:
        'The first leader (5) crashes while writes flow: the others elect the server with the ' +
        'newest history, which synchronizes a quorum with it before proposing; nothing is lost.',
      faults: 'crash 5 @900; restart 5 @2000',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'minority-partition',
      description:
        'The leader is cut off with one follower: it loses its quorum of pings and stops; ' +
        'the majority elects a new epoch; after healing, the old side re-synchronizes.',
      faults: 'partition 4,5|1,2,3 @700..2200',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'lossy-links',
      description: 'Links drop 10% and reorder: in-order acceptance plus re-sends rebuild FIFO.',
      faults: 'drop 0.1 @0..3000; reorder 0.2 @0..3000',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'observers-learn',
      description: 'Servers 6 and 7 observe: they deliver every write but never vote or lead.',
      nodes: 7,
      options: { observers: [6, 7] },
      faults: '',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
