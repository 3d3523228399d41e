// election/raft — Raft's leader election on its own [001 §2.2, 002, 004]: randomized election
// timeouts, terms, one durable vote per term, a majority elects, heartbeats hold leadership,
// with the dissertation's pre-vote and check-quorum (§9.6) as options. It is consensus/raft's
// server with no clients, not a second implementation; this module only reports its role
// changes in the election family's vocabulary (election/workload.ts), so Raft sits in the
// same tables and plots as Bully, the ring and ZooKeeper's FLE.
//
// Fault model: the same as consensus/raft's — crash-recovery, loss, duplication, reordering,
// delay, partitions, pauses and drift; one leader per term always, a leader once a majority
// is up and connected.

import { defineAlgorithm, type Invariant, type Scenario } from '../../../core/algorithm.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import {
  createServer,
  parseRaftMessage,
  type RaftMessage,
  type RaftOutput,
} from '../../consensus/raft/index.js';
import {
  clusterOf,
  defaultRaftOptions,
  type RaftOptions,
  raftOptionSpecs,
} from '../../consensus/raft/options.js';
import type { ServerState } from '../../consensus/raft/state.js';
import {
  allAgree,
  type ElectionNodeState,
  type ElectionOutput,
  electionMetrics,
  oneLeaderPerTerm,
} from '../workload.js';

export interface RaftElectionOptions {
  readonly electionTimeoutMsMin: number;
  readonly electionTimeoutMsMax: number;
  readonly heartbeatMs: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
}

export interface RaftElectionState extends ElectionNodeState {
  readonly server: ServerState;
}

function serverOptions(o: RaftElectionOptions): RaftOptions {
  return { ...defaultRaftOptions, ...o, clients: 0, requests: 0 };
}

/**
 * Runs a Raft server and translates what it does into election outputs: `elected` when it
 * wins a term, `leader` whenever the leader it follows changes, and `suspect` when its
 * election timer fires (a pre-vote or a vote starts).
 */
function electionNode(
  id: NodeId,
  nodes: readonly NodeId[],
  o: RaftElectionOptions,
): Process<RaftMessage, ElectionOutput, RaftElectionState> {
  const options = serverOptions(o);
  const server = createServer(id, options, clusterOf(nodes, options));
  let followed: NodeId | null = null;
  const adapt = (env: Env<RaftMessage, ElectionOutput>): Env<RaftMessage, RaftOutput> => ({
    id: env.id,
    nodes: env.nodes,
    peers: env.peers,
    random: env.random,
    storage: env.storage,
    now: () => env.now(),
    send: (to, m) => env.send(to, m),
    broadcast: (m) => env.broadcast(m),
    setTimer: (name, ms) => env.setTimer(name, ms),
    cancelTimer: (name) => env.cancelTimer(name),
    note: (text) => env.note(text),
    output: (out) => {
      if (out.type === 'leader') env.output({ type: 'elected', term: out.term });
      else if (out.type === 'campaign' && (out.pre || !options.preVote))
        env.output({ type: 'suspect' });
    },
  });
  /** After every step: report a newly followed leader (the leader itself included). */
  const settle = (env: Env<RaftMessage, ElectionOutput>) => {
    const s = server.state;
    if (s.leaderId !== null && s.leaderId !== followed)
      env.output({ type: 'leader', leader: s.leaderId, term: s.term });
    followed = s.leaderId;
  };
  return {
    get state() {
      const s = server.state;
      return { role: s.role, leader: s.leaderId, term: s.term, server: s };
    },
    onStart(env) {
      followed = null;
      server.onStart(adapt(env));
      settle(env);
    },
    onMessage(env, from, m) {
      server.onMessage(adapt(env), from, m);
      settle(env);
    },
    onTimer(env, name) {
      server.onTimer(adapt(env), name);
      settle(env);
    },
  };
}

/** Raft's Election Safety over the whole run: no two nodes ever win the same term. */
function oneWinnerPerTerm(): Invariant<RaftElectionState, ElectionOutput> {
  const winners = new Map<number, NodeId>();
  let cursor = 0;
  return {
    name: 'one winner per term',
    check(view) {
      for (; cursor < view.outputs.length; cursor++) {
        const r = view.outputs[cursor];
        if (r === undefined || r.output.type !== 'elected') continue;
        const prev = winners.get(r.output.term);
        if (prev !== undefined && prev !== r.node)
          return `nodes ${prev} and ${r.node} both won term ${r.output.term}`;
        winners.set(r.output.term, r.node);
      }
      return undefined;
    },
  };
}

const FLAP_5 =
  'crash 5 @400; restart 5 @900; crash 5 @1400; restart 5 @1900; crash 5 @2400; restart 5 @2900';

const scenarios: readonly Scenario[] = [
  {
    name: 'leader-crash',
    description: 'The first leader (node 3 at seed 1) crashes: a new term elects another.',
    faults: 'crash 3 @600',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'flapping-largest',
    description:
      "Bully's flapping node 5 (crashes and returns three times): Raft keeps its leader, " +
      'because a returning node has no claim from its id and pre-vote stops it from raising ' +
      'the term (leaderChanges = 0; compare election/bully).',
    faults: FLAP_5,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'even-split-elects-nobody',
    description: 'Four servers split 2|2 from the start: no side has a majority.',
    nodes: 4,
    faults: 'partition 1,2|3,4 @0',
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'minority-leader-steps-down',
    description:
      'The leader is cut off with one follower: check-quorum makes it step down while the ' +
      'majority elects a leader of a higher term, so two leaders never share a term.',
    faults: 'partition 3,5|1,2,4 @500..2500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];

export const raftElection = defineAlgorithm<
  RaftMessage,
  ElectionOutput,
  RaftElectionState,
  RaftElectionOptions
>({
  name: 'election/raft',
  family: 'election',
  summary: "Raft's election alone: randomized timeouts, terms, one vote per term, pre-vote",
  seed: '001 §2.2; 002; 004',
  nodes: { default: 5, min: 1, max: 96 },
  durationMs: 3_000,
  livenessDeadlineMs: 3_000,
  options: {
    electionTimeoutMsMin: raftOptionSpecs.electionTimeoutMsMin,
    electionTimeoutMsMax: raftOptionSpecs.electionTimeoutMsMax,
    heartbeatMs: raftOptionSpecs.heartbeatMs,
    preVote: raftOptionSpecs.preVote,
    checkQuorum: raftOptionSpecs.checkQuorum,
  },
  create: (id, ctx) => electionNode(id, ctx.nodes, ctx.options),
  // Raft's own messages, so consensus/raft's parser (a server with no clients sends a subset).
  parseMessage: parseRaftMessage,
  invariants: () => [oneLeaderPerTerm(), oneWinnerPerTerm()],
  liveness: () => [allAgree()],
  metrics: (view) => electionMetrics(view),
  scenarios,
});
