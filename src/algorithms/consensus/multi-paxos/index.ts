// consensus/multi-paxos — a replicated log by Multi-Paxos (Lamport, "Paxos Made Simple" §3)
// [001 §2.3, 003]: a stable leader runs phase 1 once per leadership for all slots, then one
// phase-2 round per slot; a new leader fills gaps with no-ops; chosen commands are applied in
// slot order to a key-value machine with exactly-once client sessions, and every node runs
// a client whose history is checked for linearizability. The process is multi-paxos.ts;
// README.md has the state diagram, the messages and the seed passage.
//
// Fault model: crash-recovery (promise, accepted slots, chosen log, round and client progress
// are durable), lossy/duplicating/reordering links, partitions, pauses and drift. Safety
// holds under all; progress needs a majority up and connected long enough to elect a leader.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { ballotText } from '../paxos/ballot.js';
import { multiPaxosHistory } from './history.js';
import { multiPaxosInvariants, multiPaxosLiveness } from './invariants.js';
import {
  type MultiPaxosMessage,
  type MultiPaxosOutput,
  parseMultiPaxosMessage,
} from './messages.js';
import { createMultiPaxos } from './multi-paxos.js';
import { type MultiPaxosOptions, multiPaxosConfig, multiPaxosOptionSpecs } from './options.js';
import { multiPaxosScenarios } from './scenarios.js';
import { commitPoint, type MultiPaxosState } from './state.js';

export type { MultiPaxosMessage, MultiPaxosOutput } from './messages.js';
export type { MultiPaxosState } from './state.js';

const PHASES = ['Prepare', 'Promise', 'Accept', 'Accepted'] as const;

/** Proposals = distinct (slot, ballot) pairs the proposer's own acceptor accepted. */
function proposals(outputs: readonly { node: number; output: MultiPaxosOutput }[]): number {
  const seen = new Set<string>();
  for (const { node, output } of outputs) {
    if (output.type === 'accepted' && output.ballot.proposer === node)
      seen.add(`${output.slot}@${ballotText(output.ballot)}`);
  }
  return seen.size;
}

export const multiPaxos = defineAlgorithm<
  MultiPaxosMessage,
  MultiPaxosOutput,
  MultiPaxosState,
  MultiPaxosOptions
>({
  name: 'consensus/multi-paxos',
  family: 'consensus',
  summary: 'Multi-Paxos log: stable leader, phase 1 once, phase 2 per slot, no-op gaps, KV',
  seed: '001 §2.3; 003',
  nodes: { default: 5, min: 1, max: 32 },
  durationMs: 3_000,
  livenessDeadlineMs: 4_000,
  options: multiPaxosOptionSpecs,
  create: (id, ctx) => createMultiPaxos(multiPaxosConfig(ctx.nodes, ctx.options), id),
  parseMessage: (raw, ctx) => parseMultiPaxosMessage(raw, ctx.nodes.length),
  invariants: (ctx) => multiPaxosInvariants(multiPaxosConfig(ctx.nodes, ctx.options).majority),
  liveness: (ctx) => multiPaxosLiveness(ctx.options.requests),
  history: (view) => multiPaxosHistory(view.outputs, view.nowMs),
  metrics: (view) => {
    const prepares = view.outputs.filter((o) => o.output.type === 'prepare').length;
    const completes = view.outputs.filter((o) => o.output.type === 'complete').length;
    const slots = Math.max(0, ...view.nodes.map((n) => (n.state ? commitPoint(n.state) : 0)));
    const noops = view.nodes
      .map((n) =>
        n.state ? [...n.state.chosen.values()].filter((c) => c.kind === 'noop').length : 0,
      )
      .reduce((a, b) => Math.max(a, b), 0);
    const phase = PHASES.reduce((sum, t) => sum + (view.stats.byType[t] ?? 0), 0);
    return {
      chosen: slots,
      commands: completes,
      noops,
      rounds: prepares,
      ballots: new Set(
        view.outputs.flatMap((o) =>
          o.output.type === 'prepare' ? [ballotText(o.output.ballot)] : [],
        ),
      ).size,
      messagesPerDecision: slots === 0 ? null : Number((phase / slots).toFixed(2)),
    };
  },
  messageCount: {
    formula:
      '2(n−1) Prepare+Promise per leadership + 2(n−1) Accept+Accepted per slot ' +
      '(heartbeats, Request/Reply and catch-up not counted)',
    compare: (view, ctx) => {
      const n1 = ctx.nodes.length - 1;
      const prepares = view.outputs.filter((o) => o.output.type === 'prepare').length;
      return {
        expected: 2 * n1 * prepares + 2 * n1 * proposals(view.outputs),
        measured: PHASES.reduce((sum, t) => sum + (view.stats.byType[t] ?? 0), 0),
      };
    },
  },
  scenarios: multiPaxosScenarios,
});
