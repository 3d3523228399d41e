// election/bully — the notes' "the eldest is the greatest" election [001 §2.2.1]; the process
// is bully.ts. Registry entry: options (MongoDB's last-op rank, the split-brain rule),
// checks, metrics, the O(n²) message count and the scenarios the notes warn about.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type ElectionOutput, electionMetrics } from '../workload.js';
import { createBully } from './bully.js';
import { bullyInvariants, bullyLiveness } from './invariants.js';
import { type BullyMessage, parseBullyMessage } from './messages.js';
import { type BullyOptions, bullyConfig, bullyOptionSpecs } from './options.js';
import { bullyScenarios } from './scenarios.js';
import type { BullyState } from './state.js';

export const bully = defineAlgorithm<BullyMessage, ElectionOutput, BullyState, BullyOptions>({
  name: 'election/bully',
  family: 'election',
  summary: 'Bully: Election to higher ids, Alive back, Victory from the highest live node',
  seed: '000; 001 §2.2.1; 003 (split brain)',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 4_000,
  livenessDeadlineMs: 3_000,
  options: bullyOptionSpecs,
  create: (id, ctx) => createBully(bullyConfig(ctx.options), id),
  parseMessage: parseBullyMessage,
  invariants: bullyInvariants,
  liveness: (ctx) => bullyLiveness(ctx.options),
  metrics: (view) => electionMetrics(view),
  messageCount: {
    formula:
      'n² − 1 for one election from the lowest id: n(n−1)/2 Elections and Alives, n−1 Victories',
    compare: (view, ctx) => {
      const n = ctx.nodes.length;
      const { Election = 0, Alive = 0, Victory = 0 } = view.stats.byType;
      return { expected: n * n - 1, measured: Election + Alive + Victory };
    },
  },
  scenarios: bullyScenarios,
});
