// mutex/maekawa — Maekawa's √n quorum algorithm with the deadlock-avoidance messages (beyond
// the notes' list [001 §2.1]); the process is maekawa.ts. A node enters after every member
// of its grid quorum (≤ 2√n−1 nodes, itself included) has voted for it. Fault-free cost per
// entry: 3(K−1) messages (REQUEST, LOCKED, RELEASE to the K−1 other members) and up to
// 6(K−1) with contention (FAILED, INQUIRE, RELINQUISH and the re-granted LOCKED).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type MutexOutput, mutexMetrics } from '../workload.js';
import { maekawaInvariants, maekawaLiveness } from './invariants.js';
import { createMaekawa } from './maekawa.js';
import { type MaekawaMessage, parseMaekawaMessage } from './messages.js';
import { type MaekawaOptions, maekawaConfig, maekawaOptionSpecs } from './options.js';
import { gridQuorum } from './quorum.js';
import { maekawaScenarios } from './scenarios.js';
import type { MaekawaState } from './state.js';

export const maekawa = defineAlgorithm<MaekawaMessage, MutexOutput, MaekawaState, MaekawaOptions>({
  name: 'mutex/maekawa',
  family: 'mutex',
  summary:
    'Grid quorums of ≈2√n voters; INQUIRE/FAILED/RELINQUISH avoid deadlock (3–6(K−1) per entry)',
  seed: '000; 001 §2.1 (beyond the notes)',
  nodes: { default: 9, min: 1, max: 256 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: maekawaOptionSpecs,
  create: (id, ctx) => createMaekawa(maekawaConfig(ctx.options, ctx.nodes.length), id),
  parseMessage: parseMaekawaMessage,
  invariants: maekawaInvariants,
  liveness: (ctx) => maekawaLiveness(ctx.options),
  metrics: (view, ctx) => ({
    ...mutexMetrics(view),
    meanQuorumSize:
      ctx.nodes.reduce((sum, id) => sum + gridQuorum(id, ctx.nodes.length).length, 0) /
      ctx.nodes.length,
    inquires: view.stats.byType.Inquire ?? 0,
    relinquishes: view.stats.byType.Relinquish ?? 0,
  }),
  messageCount: {
    formula: '3(K−1) to 6(K−1) per entry, K = the entering node’s quorum size (≈2√n−1)',
    compare: (view, ctx) => {
      const others = (id: number) => gridQuorum(id, ctx.nodes.length).length - 1;
      const entries = view.outputs.filter((o) => o.output.type === 'enter');
      const expected = entries.reduce((sum, o) => sum + 3 * others(o.node), 0);
      return { expected, measured: view.stats.sent };
    },
  },
  scenarios: maekawaScenarios,
});
