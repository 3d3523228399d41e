// mutex/token-ring — the notes' token ring [000, 001 §2.1], made fault tolerant: a token
// circulates 1 → 2 → … → n → 1; its holder enters the critical section if it wants to,
// otherwise passes it on (after `passDelayMs`, so an idle ring still circulates — and wastes
// messages — without exploding a run). Fair: everyone gets a turn each lap.
//
// Fault model (declared, and the only faults the fuzzer draws): message loss, duplication,
// reordering and delay; partitions and one-way blocks; crash and restart; clock drift up to
// ±5%; process pauses up to `maxPauseMs`. Loss and duplication: the hand-off is acknowledged
// and stamped (handoff.ts). Crash-restart: the token is durable. A dead successor: the
// holder repairs the ring through a new generation that skips it; the node rejoins when it
// returns (Probe → joiner list). A lost token: a majority-promised generation replaces it
// exactly once (regeneration.ts). Duplicate tokens are excluded by leases (lease.ts): the
// assumption is the pause and drift bound — no bound on message delay is needed. Outside
// the model (a holder paused inside for longer than `maxPauseMs`): scenario
// `long-pause-breaks-lease` shows mutual exclusion violated, as it must be for any
// algorithm that also regenerates after a crash (README.md, "Why a bound on pauses").

import type { ClusterView } from '../../../core/algorithm.js';
import { ALL_FAULT_KINDS, defineAlgorithm, type FaultModel } from '../../../core/algorithm.js';
import { ascendingRing } from '../../../core/topology.js';
import { type MutexNodeState, type MutexOutput, mutexMetrics } from '../workload.js';
import { tokenRingInvariants, tokenRingLiveness } from './invariants.js';
import { parseTokenRingMessage, type TokenRingMessage } from './messages.js';
import {
  MAX_DRIFT_PPM,
  type TokenRingOptions,
  tokenRingConfig,
  tokenRingOptionSpecs,
} from './options.js';
import { tokenRingScenarios } from './scenarios.js';
import type { TokenRingOutput, TokenRingState } from './state.js';
import { createTokenRing } from './token-ring.js';

type View = ClusterView<TokenRingState, TokenRingOutput>;

function entries(view: View): number {
  return view.outputs.filter((o) => o.output.type === 'enter').length;
}

export function tokenRingFaultModel(opts: TokenRingOptions): FaultModel {
  return {
    tolerates: ALL_FAULT_KINDS,
    maxPauseMs: opts.maxPauseMs,
    maxDriftPpm: MAX_DRIFT_PPM,
    assumption:
      `no process pause longer than ${opts.maxPauseMs} ms and clock drift within ` +
      `±${MAX_DRIFT_PPM / 10_000}%: the lease that keeps an old token from being used ` +
      'after a regeneration counts on both (message delays are unbounded)',
  };
}

export const tokenRing = defineAlgorithm<
  TokenRingMessage,
  TokenRingOutput,
  TokenRingState,
  TokenRingOptions
>({
  name: 'mutex/token-ring',
  family: 'mutex',
  summary:
    'Token ring with acknowledged hand-off, ring repair and lease-safe regeneration ' +
    '(≥ 2 messages per entry: 1 hop at full load, idle laps at low load)',
  seed: '000; 001 §2.1',
  nodes: { default: 5, min: 2, max: 64 },
  durationMs: 5_000,
  livenessDeadlineMs: 15_000,
  options: tokenRingOptionSpecs,
  create: (id, ctx) => createTokenRing(tokenRingConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: (raw, ctx) => parseTokenRingMessage(raw, ctx.nodes.length),
  topology: ascendingRing,
  invariants: tokenRingInvariants,
  liveness: (ctx) => tokenRingLiveness(ctx.options),
  metrics: (view) => {
    const byType = view.stats.byType;
    const tokenPasses = byType.Token ?? 0;
    const csEntries = entries(view);
    return {
      ...mutexMetrics(view as unknown as ClusterView<MutexNodeState, MutexOutput>),
      tokenPasses,
      tokenAcks: byType.TokenAck ?? 0,
      passesPerEntry: csEntries === 0 ? null : Math.round((tokenPasses / csEntries) * 1000) / 1000,
      regenerations: view.outputs.filter((o) => o.output.type === 'regenerate').length,
      regenerationMessages:
        (byType.Probe ?? 0) +
        (byType.ProbeReply ?? 0) +
        (byType.Prepare ?? 0) +
        (byType.Promise ?? 0) +
        (byType.Refuse ?? 0),
    };
  },
  messageCount: {
    formula:
      '2 per hop (Token + TokenAck): 1 hop per entry at full load (so 2 per entry), ' +
      'plus every idle hop at low load (n hops per idle lap)',
    compare: (view) => ({ expected: 2 * entries(view), measured: view.stats.sent }),
  },
  faultModel: tokenRingFaultModel,
  scenarios: tokenRingScenarios,
});
