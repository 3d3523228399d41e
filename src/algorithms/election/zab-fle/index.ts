// election/zab-fle — ZooKeeper's fast leader election with ZAB's epoch establishment
// [002, 004]; the process is zab-fle.ts (votes.ts, establish.ts), the quorum rules
// quorum.ts. consensus/zab runs the same process under its broadcast layer (fle.ts).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type ElectionOutput, electionMetrics } from '../workload.js';
import { zabFleInvariants, zabFleLiveness } from './invariants.js';
import { type FleMessage, parseFleMessage } from './messages.js';
import { type ZabFleOptions, zabFleConfig, zabFleOptionSpecs, zabFleQuorum } from './options.js';
import { zabFleScenarios } from './scenarios.js';
import type { FleState } from './state.js';
import { createFle } from './zab-fle.js';

export const zabFle = defineAlgorithm<FleMessage, ElectionOutput, FleState, ZabFleOptions>({
  name: 'election/zab-fle',
  family: 'election',
  summary: "ZooKeeper's fast leader election: votes ordered by (epoch, zxid, id), a quorum elects",
  seed: '002; 004',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 4_000,
  livenessDeadlineMs: 4_000,
  options: zabFleOptionSpecs,
  create: (id, ctx) => createFle(zabFleConfig(ctx.nodes, ctx.options, id), id),
  parseMessage: (raw, ctx) => parseFleMessage(raw, ctx.nodes.length),
  invariants: (ctx) => zabFleInvariants(zabFleQuorum(ctx.nodes, ctx.options)),
  liveness: (ctx) => zabFleLiveness(zabFleQuorum(ctx.nodes, ctx.options)),
  metrics: (view) => ({
    ...electionMetrics(view),
    notifications: view.stats.byType.Notification ?? 0,
  }),
  messageCount: {
    formula: 'n(n−1) Notifications per broadcast round (one round when all start together)',
    compare: (view, ctx) => ({
      expected: ctx.nodes.length * (ctx.nodes.length - 1),
      measured: view.stats.byType.Notification ?? 0,
    }),
  },
  scenarios: zabFleScenarios,
});
