// mutex/ricart-agrawala — the notes' "multicast + logical clocks" algorithm [000, 001 §2.1];
// the process is ricart-agrawala.ts. Registry entry: options (the failure-detector variant,
// the HDFS replicated file), checks, metrics, the 2(n−1) message count and the scenarios.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { PERFECT_DETECTOR } from '../failure-detector.js';
import { type MutexOutput, mutexMetrics } from '../workload.js';
import { ricartAgrawalaInvariants, ricartAgrawalaLiveness } from './invariants.js';
import { parseRicartAgrawalaMessage, type RicartAgrawalaMessage } from './messages.js';
import {
  type RicartAgrawalaOptions,
  ricartAgrawalaConfig,
  ricartAgrawalaOptionSpecs,
} from './options.js';
import { createRicartAgrawala } from './ricart-agrawala.js';
import { ricartAgrawalaScenarios } from './scenarios.js';
import type { RicartAgrawalaState } from './state.js';

export const ricartAgrawala = defineAlgorithm<
  RicartAgrawalaMessage,
  MutexOutput,
  RicartAgrawalaState,
  RicartAgrawalaOptions
>({
  name: 'mutex/ricart-agrawala',
  family: 'mutex',
  summary: 'Multicast with Lamport timestamps: enter after n−1 OKs (2(n−1) messages per entry)',
  seed: '000; 001 §2.1',
  nodes: { default: 5, min: 1, max: 128 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: ricartAgrawalaOptionSpecs,
  create: (id, ctx) => createRicartAgrawala(ricartAgrawalaConfig(ctx.options), id),
  parseMessage: (raw, ctx) => parseRicartAgrawalaMessage(raw, ctx.nodes.length),
  invariants: ricartAgrawalaInvariants,
  liveness: (ctx) => ricartAgrawalaLiveness(ctx.options),
  metrics: (view, ctx) => {
    const live = view.nodes.find((n) => n.up && n.state)?.state;
    return {
      ...mutexMetrics(view),
      heartbeats: view.stats.byType.Heartbeat ?? 0,
      ...(ctx.options.replicate && live !== undefined && { fileVersion: live.file.version }),
    };
  },
  messageCount: {
    formula: '2(n−1) per entry (n−1 Requests, n−1 OKs; heartbeats and file shipping apart)',
    compare: (view, ctx) => {
      const entries = view.outputs.filter((o) => o.output.type === 'enter').length;
      const { Request = 0, OK = 0 } = view.stats.byType;
      return { expected: 2 * (ctx.nodes.length - 1) * entries, measured: Request + OK };
    },
  },
  faultModel: (options) => (options.variant === 'fd' ? PERFECT_DETECTOR : undefined),
  scenarios: ricartAgrawalaScenarios,
});
