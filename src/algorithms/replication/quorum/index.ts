// replication/quorum — Dynamo-style quorum replication [001 §6, 003]: N replicas per key, R
// and W, vector-clock versions and siblings, read repair, anti-entropy, and (options) sloppy
// quorums with hinted handoff. The process is quorum.ts; README.md has the diagram.
// Registry entry: options, the convergence and lost-write checks, metrics, scenarios (CAP
// made visible) and the consistency models it promises, which the run checks its client
// history against (sim/consistency).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { kvClientHistory } from '../../replicated-kv/history.js';
import { quorumLiveness } from './invariants.js';
import { parseQuorumMessage, type QuorumMessage, type QuorumOutput } from './messages.js';
import { type QuorumOptions, quorumConfig, quorumOptionSpecs } from './options.js';
import { createQuorum } from './quorum.js';
import { quorumScenarios } from './scenarios.js';
import type { QuorumState } from './state.js';

export type { QuorumMessage, QuorumOutput } from './messages.js';
export type { QuorumState } from './state.js';

/**
 * What the history promises: convergence once writes stop. Siblings resolved by each client
 * and reads racing writes rule out the stronger models even with R + W > N (the table in
 * docs/data.md shows what runs do satisfy).
 */
export const QUORUM_PROMISES = ['eventual'] as const;

export const quorum = defineAlgorithm<QuorumMessage, QuorumOutput, QuorumState, QuorumOptions>({
  name: 'replication/quorum',
  family: 'replication',
  summary: 'Dynamo quorums: N, R, W, vector clocks and siblings, read repair, sloppy + hints',
  seed: '001 §6; 003',
  nodes: { default: 5, min: 1, max: 32 },
  durationMs: 5_000,
  livenessDeadlineMs: 1_500,
  options: quorumOptionSpecs,
  parseMessage: (raw, ctx) => parseQuorumMessage(raw, ctx.nodes.length),
  create: (id, ctx) => createQuorum(quorumConfig(ctx.nodes.length, ctx.options), id),
  invariants: () => [],
  liveness: (ctx) => quorumLiveness(quorumConfig(ctx.nodes.length, ctx.options)),
  metrics: (view) => {
    const count = (type: QuorumOutput['type']) =>
      view.outputs.filter((o) => o.output.type === type).length;
    const sum = (f: (s: QuorumState) => number) =>
      view.nodes.reduce((t, n) => t + (n.state === undefined ? 0 : f(n.state)), 0);
    return {
      operations: count('invoke'),
      acknowledgedWrites: count('acked'),
      refused: count('refused'),
      siblingReads: sum((s) => s.stats.siblingReads),
      readRepairs: sum((s) => s.stats.repairs),
      handoffs: sum((s) => s.stats.handoffs),
    };
  },
  history: (view) =>
    kvClientHistory(view.outputs, view.nowMs, (o) =>
      o.type === 'invoke' || o.type === 'complete' ? o : undefined,
    ),
  promises: () => QUORUM_PROMISES,
  scenarios: quorumScenarios,
});
