// election/raft — Raft's leader election on its own [001 §2.2, 002, 004]: randomized
// election timeouts, terms, one durable vote per term, a majority elects, heartbeats hold
// leadership, with the dissertation's pre-vote and check-quorum (§9.6) as options. It runs
// consensus/raft's server with no clients (raft.ts), so Raft sits in the same tables and
// plots as Bully, the ring and ZooKeeper's FLE.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type ElectionOutput, electionMetrics } from '../workload.js';
import { raftElectionInvariants, raftElectionLiveness } from './invariants.js';
import { parseRaftMessage, type RaftMessage } from './messages.js';
import {
  type RaftElectionOptions,
  raftElectionConfig,
  raftElectionOptionSpecs,
} from './options.js';
import { createRaftElection } from './raft.js';
import { raftElectionScenarios } from './scenarios.js';
import type { RaftElectionState } from './state.js';

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
  options: raftElectionOptionSpecs,
  create: (id, ctx) => createRaftElection(raftElectionConfig(ctx.nodes, ctx.options), id),
  parseMessage: (raw) => parseRaftMessage(raw),
  invariants: raftElectionInvariants,
  liveness: raftElectionLiveness,
  metrics: (view) => electionMetrics(view),
  scenarios: raftElectionScenarios,
});
