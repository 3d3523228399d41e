// replication/chain — chain replication (van Renesse & Schneider, OSDI 2004; beyond the seed
// notes' 001 §6): writes at the head, acknowledged by the tail, reads at the tail, a master
// splicing failed servers out. The process is chain.ts; README.md has the diagram.
// Registry entry: options, the Update Propagation Invariant and the shared checks, metrics,
// one scenario per failure position, the fail-stop fault model and its promise.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { kvClientHistory } from '../../replicated-kv/history.js';
import { replicationMetrics } from '../shared/checks.js';
import type { ReplicationOutput } from '../shared/messages.js';
import { createChain } from './chain.js';
import { chainInvariants, chainLiveness } from './invariants.js';
import { type ChainMessage, parseChainMessage } from './messages.js';
import { type ChainOptions, chainConfig, chainOptionSpecs } from './options.js';
import { chainScenarios } from './scenarios.js';
import type { ChainState } from './state.js';

export type { ChainMessage } from './messages.js';
export type { ChainState } from './state.js';

/** §2: the tail answers reads from exactly the writes it acknowledged — linearizable. */
export const CHAIN_PROMISES = ['linearizable'] as const;

export const chain = defineAlgorithm<ChainMessage, ReplicationOutput, ChainState, ChainOptions>({
  name: 'replication/chain',
  family: 'replication',
  summary: 'chain replication: writes at the head, acked by the tail, reads at the tail',
  seed: '001 §6 (van Renesse & Schneider, OSDI 2004)',
  nodes: { default: 5, min: 2, max: 16 },
  durationMs: 5_000,
  livenessDeadlineMs: 1_500,
  options: chainOptionSpecs,
  parseMessage: (raw, ctx) => parseChainMessage(raw, ctx.nodes.length),
  create: (id, ctx) => createChain(chainConfig(ctx.nodes.length, ctx.options), id),
  invariants: () => chainInvariants(),
  liveness: () => chainLiveness(),
  metrics: (view) => replicationMetrics(view),
  history: (view) =>
    kvClientHistory(view.outputs, view.nowMs, (o) =>
      o.type === 'invoke' || o.type === 'complete' ? o : undefined,
    ),
  promises: () => CHAIN_PROMISES,
  faultModel: () => ({
    tolerates: ['crash', 'disk', 'drop', 'dup', 'reorder', 'delay', 'corrupt', 'drift'],
    maxDelayMs: 100,
    assumption:
      'fail-stop servers (van Renesse & Schneider §2): the master detects every crash and ' +
      'suspects no live server — no partitions nor pauses (scenario tail-cut-off)',
  }),
  scenarios: chainScenarios,
});
