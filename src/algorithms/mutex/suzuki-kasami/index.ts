// mutex/suzuki-kasami — the broadcast token algorithm (beyond the notes' list [001 §2.1]);
// the process is suzuki-kasami.ts. Registry entry: n messages per entry when the token is
// elsewhere (n−1 REQUESTs + the token), none when it is already here; the hand-off
// acknowledgement that makes it loss-proof is counted apart.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type MutexOutput, mutexMetrics } from '../workload.js';
import { suzukiKasamiInvariants, suzukiKasamiLiveness } from './invariants.js';
import { parseSuzukiKasamiMessage, type SuzukiKasamiMessage } from './messages.js';
import {
  type SuzukiKasamiOptions,
  suzukiKasamiConfig,
  suzukiKasamiOptionSpecs,
} from './options.js';
import { suzukiKasamiScenarios } from './scenarios.js';
import type { SuzukiKasamiState } from './state.js';
import { createSuzukiKasami } from './suzuki-kasami.js';

export const suzukiKasami = defineAlgorithm<
  SuzukiKasamiMessage,
  MutexOutput,
  SuzukiKasamiState,
  SuzukiKasamiOptions
>({
  name: 'mutex/suzuki-kasami',
  family: 'mutex',
  summary:
    'Broadcast token: REQUEST(i, sn) to all, the token carries LN and a queue (≤ n per entry)',
  seed: '000; 001 §2.1 (beyond the notes)',
  nodes: { default: 5, min: 1, max: 128 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: suzukiKasamiOptionSpecs,
  create: (id, ctx) => createSuzukiKasami(suzukiKasamiConfig(ctx.options, ctx.nodes.length), id),
  parseMessage: (raw, ctx) => parseSuzukiKasamiMessage(raw, ctx.nodes.length),
  invariants: suzukiKasamiInvariants,
  liveness: (ctx) => suzukiKasamiLiveness(ctx.options),
  metrics: (view) => ({
    ...mutexMetrics(view),
    tokenTransfers: view.stats.byType.Token ?? 0,
  }),
  messageCount: {
    formula: 'at most n per entry (n−1 REQUESTs + 1 token; 0 when held; acks apart)',
    compare: (view, ctx) => {
      const entries = view.outputs.filter((o) => o.output.type === 'enter').length;
      const { Request = 0, Token = 0 } = view.stats.byType;
      return { expected: ctx.nodes.length * entries, measured: Request + Token };
    },
  },
  scenarios: suzukiKasamiScenarios,
});
