// Who is in which LAN, and who coordinates it [001 §2.1, two-layer token ring]. LANs are
// consecutive blocks of `perLan` ids: LAN 1 is 1..K, LAN 2 is K+1..2K, and so on; the last
// may be smaller when the node count is not a multiple of K. Each LAN's coordinator is its
// first (smallest) node, so the coordinators are 1, K+1, 2K+1, …; they form the global ring.

import type { NodeId } from '../../../core/process.js';

export interface Layout {
  readonly n: number;
  readonly perLan: number;
  readonly lans: number;
}

export function layout(n: number, perLan: number): Layout {
  return { n, perLan, lans: Math.ceil(n / perLan) };
}

/**
 * Messages per entry at full load: a global lap makes L global hops (none when L = 1) and,
 * in each LAN, K local hops (none when K = 1); every hop is a token and an ack, and every
 * node enters once per lap. For L, K ≥ 2: 2 + 2/K.
 */
export function fullLoadMessagesPerEntry(lans: number, perLan: number): number {
  const localHops = perLan > 1 ? lans * perLan : 0;
  const globalHops = lans > 1 ? lans : 0;
  return (2 * (localHops + globalHops)) / (lans * perLan);
}

/** The LAN (1-based) of node `id`. */
export function lanOf(l: Layout, id: NodeId): number {
  return Math.ceil(id / l.perLan);
}

export function coordinatorOf(l: Layout, lan: number): NodeId {
  return (lan - 1) * l.perLan + 1;
}

export function isCoordinator(l: Layout, id: NodeId): boolean {
  return coordinatorOf(l, lanOf(l, id)) === id;
}

/** The members of LAN `lan` in ring order (the coordinator first). */
export function membersOf(l: Layout, lan: number): NodeId[] {
  const first = coordinatorOf(l, lan);
  const last = Math.min(l.n, first + l.perLan - 1);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** The next node on the local ring (wrapping to the coordinator). */
export function localSuccessor(l: Layout, id: NodeId): NodeId {
  const members = membersOf(l, lanOf(l, id));
  const i = members.indexOf(id);
  return members[(i + 1) % members.length] ?? id;
}

/** The next coordinator on the global ring. */
export function globalSuccessor(l: Layout, id: NodeId): NodeId {
  const lan = lanOf(l, id);
  return coordinatorOf(l, lan === l.lans ? 1 : lan + 1);
}
