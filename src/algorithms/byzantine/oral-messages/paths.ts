// OM(m) as a tree of message paths (Lamport, Shostak, Pease 1982, §3), evaluated without
// recursion. A path [c, i1, …, ik] names the value ik said it got along c → i1 → … → ik; it
// was sent in OM(m−k) with ik as commander. A lieutenant j holds the value received for each
// path (or nothing), and evaluates the tree bottom-up: a path of length m+1 is OM(0) ("use
// the value received, or RETREAT"); a shorter path p is step (3) of OM(m−k): the majority of
// the value received along p and the values computed for p+[x] for every other lieutenant x
// of that sub-algorithm.

import type { NodeId } from '../../../core/process.js';
import { majority, type Order, RETREAT } from '../generals.js';

export function pathKey(path: readonly NodeId[]): string {
  return path.join('.');
}

/**
 * Every path lieutenant `self` can receive, level by level: paths start at the commander,
 * never repeat a general, never contain `self`, and hold at most m+1 generals.
 */
export function pathLevels(
  nodes: readonly NodeId[],
  commander: NodeId,
  self: NodeId,
  m: number,
): NodeId[][][] {
  const levels: NodeId[][][] = [[[commander]]];
  for (let k = 1; k <= m; k++) {
    const next: NodeId[][] = [];
    for (const path of levels[k - 1] ?? []) {
      for (const x of nodes) if (x !== self && !path.includes(x)) next.push([...path, x]);
    }
    levels.push(next);
  }
  return levels;
}

/** Lieutenant `self`'s OM(m) decision from the values it received (keyed by path). */
export function decide(
  received: Readonly<Record<string, Order>>,
  nodes: readonly NodeId[],
  commander: NodeId,
  self: NodeId,
  m: number,
): Order {
  const levels = pathLevels(nodes, commander, self, m);
  const value = new Map<string, Order>();
  for (let k = m; k >= 0; k--) {
    for (const path of levels[k] ?? []) {
      const key = pathKey(path);
      const own = received[key] ?? RETREAT; // An absent message counts as RETREAT (A3).
      if (k === m) {
        value.set(key, own);
        continue;
      }
      const votes = [own];
      for (const x of nodes) {
        if (x === self || path.includes(x)) continue;
        votes.push(value.get(`${key}.${x}`) ?? RETREAT);
      }
      value.set(key, majority(votes));
    }
  }
  return value.get(String(commander)) ?? RETREAT;
}

/** Σ_{k=0..m} (n−1)(n−2)…(n−1−k): the messages of OM(m) when every general sends. */
export function omMessageCount(n: number, m: number): number {
  let total = 0;
  let product = 1;
  for (let k = 0; k <= m && n - 1 - k > 0; k++) {
    product *= n - 1 - k;
    total += product;
  }
  return total;
}
