// What an election/raft node shows: the election family's view (role, leader, term) of the
// Raft server it runs, the leader it last reported, and the server's own state. Nothing
// here is durable of its own: the server keeps its term and vote on disk itself.

import type { NodeId } from '../../../core/process.js';
import type { ServerState } from '../../consensus/raft/state.js';
import type { ElectionNodeState } from '../workload.js';

export interface RaftElectionState extends ElectionNodeState {
  /** The leader last reported with a `leader` output (per incarnation). */
  readonly followed: NodeId | null;
  readonly server: ServerState;
}
