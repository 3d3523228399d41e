// Gossip target selection, shared by gossip/anti-entropy and gossip/swim: `k` distinct
// peers drawn uniformly from the node's peers (every peer when there are no more than k).
// Rejection sampling over indices keeps a draw O(k) without copying the peer list, which
// matters with thousands of simulated nodes. Pure: the randomness is the Env's.

import type { Random } from '../../core/prng.js';
import type { NodeId } from '../../core/process.js';

/** `k` distinct peers other than those in `exclude`, in draw order. */
export function pickPeers(
  random: Random,
  peers: readonly NodeId[],
  k: number,
  exclude: readonly NodeId[] = [],
): NodeId[] {
  const eligible = peers.length - exclude.filter((p) => peers.includes(p)).length;
  if (eligible <= k) return peers.filter((p) => !exclude.includes(p));
  const out: NodeId[] = [];
  while (out.length < k) {
    const p = peers[random.int(peers.length)] as NodeId;
    if (!out.includes(p) && !exclude.includes(p)) out.push(p);
  }
  return out;
}

/** `k` distinct nodes of 1..n other than `self`, drawn uniformly (no peer list needed). */
export function pickOthers(random: Random, n: number, self: NodeId, k: number): NodeId[] {
  const out: NodeId[] = [];
  const want = Math.min(k, n - 1);
  while (out.length < want) {
    const draw = 1 + random.int(n - 1);
    const p = draw >= self ? draw + 1 : draw; // Skip self: uniform over the other n − 1.
    if (!out.includes(p)) out.push(p);
  }
  return out;
}
