// consensus/zab — ZooKeeper's atomic broadcast [003, 004]: the fast leader election and
// epoch establishment of election/zab-fle (phases 0–1), then synchronization and broadcast
// (phases 2–3). The process is zab.ts; README.md has the state diagram, the messages and the
// seed passage. Every server also runs a client of the shared key-value workload
// (replicated-kv/workload.ts) that submits `requests` operations (learners forward them to
// the leader); every server applies what it delivers to the shared key-value machine, and
// the clients' history is checked for linearizability.
//
// Fault model: crash-recovery with durable history, epochs and delivered zxid; lossy,
// duplicating, reordering and delaying links, partitions, pauses, drift. The properties hold
// under all of them; progress needs a quorum up and connected.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { oneLeaderPerTerm } from '../../election/workload.js';
import { kvClientHistory } from '../../replicated-kv/history.js';
import { zabInvariants, zabLiveness } from './invariants.js';
import { parseZabMessage, type ZabMessage, type ZabOutput } from './messages.js';
import { type ZabOptions, zabConfig, zabOptionSpecs } from './options.js';
import { zabScenarios } from './scenarios.js';
import type { ZabState } from './state.js';
import { createZab } from './zab.js';

export type { ZabMessage, ZabOutput } from './messages.js';
export type { ZabState } from './state.js';

export const zab = defineAlgorithm<ZabMessage, ZabOutput, ZabState, ZabOptions>({
  name: 'consensus/zab',
  family: 'consensus',
  summary: "ZooKeeper's atomic broadcast: FLE, discovery, synchronization, broadcast by zxid",
  seed: '003; 004',
  nodes: { default: 5, min: 1, max: 32 },
  durationMs: 4_000,
  livenessDeadlineMs: 5_000,
  options: zabOptionSpecs,
  parseMessage: (raw, ctx) => parseZabMessage(raw, ctx.nodes.length),
  create: (id, ctx) => createZab(zabConfig(ctx.nodes, ctx.options, id), id),
  invariants: () => [oneLeaderPerTerm(), ...zabInvariants()],
  liveness: () => zabLiveness(),
  metrics: (view) => {
    const count = (type: ZabOutput['type']) =>
      view.outputs.filter((o) => o.output.type === type).length;
    const delivered = new Map<number, number>();
    for (const o of view.outputs)
      if (o.output.type === 'deliver') delivered.set(o.node, (delivered.get(o.node) ?? 0) + 1);
    const operations = count('complete');
    return {
      leader: view.nodes.find((n) => n.up && n.state?.role === 'leader')?.id ?? null,
      commits: Math.max(0, ...delivered.values()),
      epochChanges: Math.max(0, count('elected') - 1),
      proposals: count('propose'),
      operations,
      messagesPerOperation:
        operations === 0 ? null : Math.round((view.stats.sent / operations) * 100) / 100,
    };
  },
  // The clients' outputs are the shared history's own (messages.ts ZabOutput).
  history: (view) =>
    kvClientHistory(view.outputs, view.nowMs, (o) =>
      o.type === 'invoke' || o.type === 'complete' ? o : undefined,
    ),
  messageCount: {
    formula: '3(n−1) per operation: a Proposal, an Ack and a Commit per learner (re-sends extra)',
    compare: (view, ctx) => {
      const operations = view.outputs.filter((o) => o.output.type === 'complete').length;
      const b = view.stats.byType;
      return {
        expected: 3 * (ctx.nodes.length - 1) * operations,
        measured: (b.Proposal ?? 0) + (b.Ack ?? 0) + (b.Commit ?? 0),
      };
    },
  },
  scenarios: zabScenarios,
});
