// mutex/ricart-agrawala — the notes' "multicast + logical clocks" algorithm [000, 001 §2.1]:
// enter after n−1 OKs, 2(n−1) messages per entry, served in (timestamp, id) order. The
// process lives in ricart-agrawala.ts; this module is its registry entry: options (the
// failure-detector variant, the HDFS replicated file), checks, metrics and scenarios.

import { defineAlgorithm, type Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import {
  detectorTiming,
  PERFECT_DETECTOR,
  PERFECT_DETECTOR_WORST_LATENCY_MS,
} from '../failure-detector.js';
import {
  everyRequestServed,
  type MutexOutput,
  mutexMetrics,
  mutexOptionSpecs,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import { parseRicartAgrawalaMessage, type RicartAgrawalaMessage } from './messages.js';
import {
  createRicartAgrawala,
  type RicartAgrawalaOptions,
  type RicartAgrawalaState,
} from './ricart-agrawala.js';

/** HDFS mode: once quiet, every live replica holds the same file. */
function replicasIdentical(): Liveness<RicartAgrawalaState, MutexOutput> {
  return {
    name: 'every live replica of the file is identical',
    check(view) {
      const files = view.nodes
        .filter((n) => n.up && n.state)
        .map((n) => ({ id: n.id, f: n.state!.file }));
      const first = files[0];
      const odd = files.filter(
        (x) => x.f.version !== first?.f.version || x.f.content !== first.f.content,
      );
      if (odd.length === 0) return undefined;
      const show = (x: { id: NodeId; f: { version: number } }) => `${x.id}@v${x.f.version}`;
      return `replicas differ: ${files.map(show).join(', ')}`;
    },
  };
}

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
  options: {
    ...mutexOptionSpecs,
    variant: {
      kind: 'choice',
      default: 'classic',
      choices: ['classic', 'fd'],
      description: 'fd: a heartbeat failure detector stops waiting for crashed peers',
    },
    heartbeatMs: {
      kind: 'int',
      default: 50,
      min: 1,
      max: 60_000,
      description: 'heartbeat period of the failure detector (variant fd)',
    },
    replicate: {
      kind: 'bool',
      default: false,
      description: 'the HDFS example: the holder edits a replicated file and ships it',
    },
  },
  create: (_id, ctx) =>
    createRicartAgrawala(
      ctx.options,
      detectorTiming(ctx.options.heartbeatMs, PERFECT_DETECTOR_WORST_LATENCY_MS),
    ),
  parseMessage: (raw, ctx) => parseRicartAgrawalaMessage(raw, ctx.nodes.length),
  invariants: () => [mutualExclusion(), noUnaskedGrant()],
  liveness: (ctx) => [
    everyRequestServed(ctx.options.requests),
    ...(ctx.options.replicate ? [replicasIdentical()] : []),
  ],
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
  scenarios: [
    {
      name: 'crashed-peer-stalls',
      description: 'One node crashes for good: nobody gets its OK, so every other node stalls.',
      faults: 'crash 5 @100',
      expect: { safety: 'hold', liveness: 'violated' },
    },
    {
      name: 'peer-restarts',
      description:
        'A node crashes and returns; its durable state and the retries let everyone finish.',
      faults: 'crash 3 @150; restart 3 @900',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'fd-skips-crashed-peer',
      description:
        'Variant fd: node 5 crashes for good; the others suspect it and stop waiting for it.',
      faults: 'crash 5 @100',
      options: { variant: 'fd' },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'fd-peer-returns',
      description:
        'Variant fd: node 3 crashes inside and returns; it gives up its turn, is re-included ' +
        'and finishes its requests.',
      faults: 'crash 3 @150; restart 3 @1500',
      options: { variant: 'fd' },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'fd-false-suspicion',
      description:
        'Variant fd under a partition: each side suspects the other and both enter at once — ' +
        'a failure detector that can be wrong cannot make Ricart–Agrawala fault-tolerant.',
      faults: 'partition 1,2|3,4,5 @100..2000',
      options: { variant: 'fd', thinkMs: 20 },
      expect: { safety: 'violated', liveness: 'hold' },
    },
    {
      name: 'hdfs-replicated-file',
      description:
        'The notes’ HDFS example under loss and duplication: each holder edits the file and ' +
        'ships it; after quiescence every replica is identical and no edit is lost.',
      faults: 'drop 0.1 @0..2500; dup 0.05 @0..2500',
      options: { replicate: true },
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
