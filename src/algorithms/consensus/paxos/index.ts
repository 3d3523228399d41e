// consensus/paxos — single-decree Paxos (Lamport, "Paxos Made Simple", 2001) [001 §2.3, 003];
// the process is paxos.ts, the protocol and the note's worked example are in README.md.
// Registry entry: options (roles, the note's unsafe variant), checks, metrics, the 5(n−1)
// message count and the scenarios.
//
// Fault model: crash-recovery nodes, lossy/duplicating/reordering links, partitions. Safety
// holds under all of them; progress needs a majority of acceptors up and connected, and ends
// duels between proposers only with probability 1 (randomized backoff, §2.4 / FLP).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { ChoiceTracker, paxosInvariants, paxosLiveness } from './invariants.js';
import { type PaxosMessage, type PaxosOutput, parsePaxosMessage } from './messages.js';
import { type PaxosOptions, paxosConfig, paxosOptionSpecs, rolesOf } from './options.js';
import { createPaxos } from './paxos.js';
import { paxosScenarios } from './scenarios.js';
import type { PaxosState } from './state.js';

export type { PaxosMessage, PaxosOutput } from './messages.js';
export type { PaxosState } from './state.js';

export const paxos = defineAlgorithm<PaxosMessage, PaxosOutput, PaxosState, PaxosOptions>({
  name: 'consensus/paxos',
  family: 'consensus',
  summary: 'Single-decree Paxos: Prepare/Promise, Accept/Accepted; one value is ever chosen',
  seed: '001 §2.3; 003',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 3_000,
  livenessDeadlineMs: 3_000,
  options: paxosOptionSpecs,
  create: (id, ctx) => createPaxos(paxosConfig(ctx.nodes, ctx.options), id),
  parseMessage: (raw, ctx) => parsePaxosMessage(raw, ctx.nodes.length),
  invariants: (ctx) => paxosInvariants(rolesOf(ctx.nodes, ctx.options).majority),
  liveness: (ctx) => paxosLiveness(rolesOf(ctx.nodes, ctx.options).majority),
  metrics: (view, ctx) => {
    const tracker = new ChoiceTracker(rolesOf(ctx.nodes, ctx.options).majority);
    tracker.update(view);
    const chosen = tracker.chosenValue();
    return {
      chosen,
      rounds: view.outputs.filter((o) => o.output.type === 'prepare').length,
      ballots: tracker.votes.size,
      messagesPerDecision: chosen === null ? null : view.stats.sent,
      learners: view.nodes.filter((n) => n.up && n.state?.learned !== null).length,
    };
  },
  messageCount: {
    formula:
      'one uncontested ballot: 4 per remote acceptor (Prepare, Promise, Accept, Accepted) + ' +
      'n−1 Chosen = 5(n−1) when every node is an acceptor',
    compare: (view, ctx) => {
      const roles = rolesOf(ctx.nodes, ctx.options);
      const [proposer] = roles.proposals.keys();
      const remote = roles.acceptors.filter((a) => a !== proposer).length;
      return { expected: 4 * remote + ctx.nodes.length - 1, measured: view.stats.sent };
    },
  },
  scenarios: paxosScenarios,
});
