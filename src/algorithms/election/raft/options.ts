// Options of election/raft: consensus/raft's election options, taken from its spec (the
// same defaults, bounds and descriptions), and the server options they imply — Raft's
// defaults with no clients and no requests. Types come from the spec (OptionsOf).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import {
  defaultRaftOptions,
  type RaftConfig,
  type RaftOptions,
  raftConfig,
  raftOptionSpecs,
} from '../../consensus/raft/options.js';

export const raftElectionOptionSpecs = {
  electionTimeoutMsMin: raftOptionSpecs.electionTimeoutMsMin,
  electionTimeoutMsMax: raftOptionSpecs.electionTimeoutMsMax,
  heartbeatMs: raftOptionSpecs.heartbeatMs,
  preVote: raftOptionSpecs.preVote,
  checkQuorum: raftOptionSpecs.checkQuorum,
} as const satisfies OptionSpecs;

export type RaftElectionOptions = OptionsOf<typeof raftElectionOptionSpecs>;

/** Fixed for a run: the Raft server's config (its options and its cluster). */
export interface RaftElectionConfig {
  readonly server: RaftConfig;
}

export function raftElectionConfig(
  nodes: readonly NodeId[],
  o: RaftElectionOptions,
): RaftElectionConfig {
  const server: RaftOptions = { ...defaultRaftOptions, ...o, clients: 0, requests: 0 };
  return { server: raftConfig(nodes, server) };
}
