// consensus/paxos — single-decree Paxos (Lamport, "Paxos Made Simple", 2001) [001 §2.3, 003].
// Proposers, acceptors and learners agree on one value. Ballots are (round, proposer id);
// acceptors keep their promise and accepted proposal durable BEFORE replying; a preempted
// proposer backs off for a random time and retries higher. Every node is a learner; the
// proposer that sees a majority of Accepted announces Chosen.
//
// Variant `seed-notes` is note 003's model: promises report the last proposal the acceptor
// was PREPARED with, not the one it ACCEPTED (SPEC §3). It is unsafe and the fuzzer finds two
// chosen values; the golden scripts in testdata/ replay the note's worked example under both.
//
// Fault model: crash-recovery nodes, lossy/duplicating/reordering links, partitions. Safety
// holds under all of them; progress needs a majority of acceptors up and connected, and ends
// duels between proposers only with probability 1 (randomized backoff, §2.4 / FLP).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { ChoiceTracker, paxosInvariants } from './invariants.js';
import { type PaxosMessage, type PaxosOutput, parsePaxosMessage } from './messages.js';
import { type PaxosOptions, paxosOptionSpecs, rolesOf } from './options.js';
import { createPaxos } from './paxos.js';
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
  create: (id, ctx) => createPaxos(id, ctx.nodes, ctx.options),
  parseMessage: (raw, ctx) => parsePaxosMessage(raw, ctx.nodes.length),
  invariants: (ctx) => paxosInvariants(rolesOf(ctx.nodes, ctx.options).majority),
  liveness: (ctx) => [
    {
      // Duelling proposers are not exempted: after heal the randomized backoff must end the
      // duel within the deadline, or this check fails.
      name: 'every-node-learns',
      check(view) {
        const tracker = new ChoiceTracker(rolesOf(ctx.nodes, ctx.options).majority);
        tracker.update(view);
        const chosen = tracker.chosenValue();
        if (chosen === null) return 'no value was chosen';
        const behind = view.nodes.filter((n) => n.up && n.state?.learned !== chosen);
        if (behind.length === 0) return undefined;
        return `nodes ${behind.map((n) => n.id).join(',')} have not learned ${chosen}`;
      },
    },
  ],
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
  scenarios: [
    {
      name: 'duelling-proposers',
      description: 'Three proposers start at once; Nacks and randomized backoff end the duel.',
      faults: '',
      options: { proposers: [1, 2, 3] },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'proposer-crash',
      description:
        'The first proposer crashes mid-ballot; the second finishes, and the first, restarted ' +
        'with a durable round counter, learns the same value.',
      faults: 'crash 1 @4; restart 1 @600',
      options: { proposers: [1, 2] },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'minority-side-proposer',
      description: 'The only proposer is cut off with a minority; it succeeds once healed.',
      faults: 'partition 1,2|3,4,5 @0..800',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'seed-notes-two-values',
      description:
        "The note's model with two proposers and no faults: promises report prepared, not " +
        'accepted, proposals, and two different values are chosen (seed 1).',
      faults: '',
      options: { variant: 'seed-notes', proposers: [1, 2] },
      expect: { safety: 'violated', liveness: 'violated' },
    },
    {
      name: 'majority-down',
      description: 'Three of five acceptors crash for good: nothing can ever be chosen.',
      faults: 'crash 3 @0; crash 4 @0; crash 5 @0',
      expect: { safety: 'hold', liveness: 'violated' },
    },
  ],
});
