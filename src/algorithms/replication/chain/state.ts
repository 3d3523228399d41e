// A chain-replication server's state: the shared replication state (shared/state.ts: master,
// log = the paper's Hist, client) and what a server keeps of its successor. The paper's
// Sent_i is the log after `acked`: updates forwarded that the tail has not acknowledged.

import type { NodeId } from '../../../core/process.js';
import { initReplicationState, type ReplicationState } from '../shared/state.js';
import type { ChainConfig } from './options.js';

export interface ChainState extends ReplicationState {
  /** Highest log index the tail acknowledged (Sent_i = log entries after it). Volatile. */
  acked: number;
  /** Whether the successor installed this epoch (an Ack of it came back). Volatile. */
  succSynced: boolean;
}

export function initChainState(c: ChainConfig): ChainState {
  return { ...initReplicationState(c.n), acked: 0, succSynced: false };
}

/** This server's neighbours in its view (undefined at the ends or outside the chain). */
export function neighbours(s: ChainState, id: NodeId): { pred?: NodeId; succ?: NodeId } {
  const m = s.view.members;
  const i = m.indexOf(id);
  if (i < 0) return {};
  return { ...(i > 0 && { pred: m[i - 1]! }), ...(i + 1 < m.length && { succ: m[i + 1]! }) };
}
