// txn/paxos-commit — Gray & Lamport's Paxos Commit (2006), beyond the notes [SPEC §4; issue
// 18]: one Paxos instance per RM's vote on 2F+1 acceptors, the ballot-0 fast path, a new
// leader's phase 1 proposing Aborted where free; the process is paxos-commit.ts. Registry
// entry: options (N, F), the family's checks and metrics, the message count and the
// scenarios (non-blocking with the TM and F acceptors down; blocked with F+1).

import { ALL_FAULT_KINDS, defineAlgorithm } from '../../../core/algorithm.js';
import { txnMetrics } from '../shared/metrics.js';
import type { TxnOutput } from '../shared/outputs.js';
import { paxosCommitInvariants, paxosCommitLiveness } from './invariants.js';
import { type PaxosCommitMessage, parsePaxosCommitMessage } from './messages.js';
import {
  type PaxosCommitOptions,
  paxosCommitConfig,
  paxosCommitNodes,
  paxosCommitOptionSpecs,
} from './options.js';
import { createPaxosCommit } from './paxos-commit.js';
import { paxosCommitScenarios } from './scenarios.js';
import type { PaxosCommitState } from './state.js';

export const paxosCommit = defineAlgorithm<
  PaxosCommitMessage,
  TxnOutput,
  PaxosCommitState,
  PaxosCommitOptions
>({
  name: 'txn/paxos-commit',
  family: 'txn',
  summary:
    'Paxos Commit (Gray & Lamport): a Paxos instance per resource manager’s vote on 2F+1 ' +
    'acceptors; non-blocking with the TM and F acceptors down',
  seed: 'SPEC §4 (beyond the notes); Gray & Lamport, TODS 2006',
  nodes: { default: 8, min: 3, max: 64 },
  durationMs: 3_000,
  livenessDeadlineMs: 4_000,
  options: paxosCommitOptionSpecs,
  nodesFor: paxosCommitNodes,
  create: (id, ctx) => createPaxosCommit(paxosCommitConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: parsePaxosCommitMessage,
  invariants: paxosCommitInvariants,
  liveness: paxosCommitLiveness,
  metrics: (view, ctx) => txnMetrics(view, paxosCommitConfig(ctx.nodes.length, ctx.options).rms),
  messageCount: {
    formula:
      'N(4F+5) per transaction: N Prepare, N(2F+1) phase 2a and N(2F+1) phase 2b (one per ' +
      'instance, unbundled), N Commit/Abort, N Ack — the paper counts (N+1)(F+3)−4 with the ' +
      'TM and acceptors co-located, 2b bundled and no acks',
    compare: (view, ctx) => {
      const { rms, f } = ctx.options;
      const begun = view.outputs.filter((o) => o.output.type === 'begin').length;
      return { expected: rms * (4 * f + 5) * begun, measured: view.stats.sent };
    },
  },
  faultModel: () => ({
    tolerates: ALL_FAULT_KINDS,
    assumption:
      'none for safety (Paxos: durable promises and acceptances, one value per ballot); ' +
      'liveness needs F+1 acceptors and the TM or an in-doubt RM up',
  }),
  scenarios: paxosCommitScenarios,
});
