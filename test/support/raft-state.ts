// What the real-process Raft tests read of a node: its state through the node API (with the
// node's bearer token), and which node leads.

import { bearer } from '../../src/runtime/api-token.js';
import type { LocalCluster } from '../../src/runtime/launcher/local-cluster.js';
import { until } from '../../src/runtime/testing/wait.js';

export interface RaftNodeState {
  readonly role: string;
  readonly term: number;
  readonly commitIndex: number;
}

/** Node `id`'s Raft state, or undefined while it does not answer. */
export async function raftStateOf(
  cluster: LocalCluster,
  id: number,
): Promise<RaftNodeState | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${cluster.apiPort(id)}/state`, {
      headers: bearer(cluster.apiToken(id)),
    });
    return ((await res.json()) as { state: RaftNodeState }).state;
  } catch {
    return undefined;
  }
}

/** Waits until some node reports itself leader; returns its id. */
export async function leaderOf(cluster: LocalCluster): Promise<number> {
  let leader = 0;
  await until(async () => {
    for (const id of cluster.ids)
      if ((await raftStateOf(cluster, id))?.role === 'leader') leader = id;
    return leader !== 0;
  }, 'a leader');
  return leader;
}
