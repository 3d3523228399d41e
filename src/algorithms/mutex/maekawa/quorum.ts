// Maekawa's voting sets from a grid (Maekawa, ACM TOCS 3(2), 1985, §3's "simple" construction):
// lay nodes 1..n row by row on a ⌈√n⌉-wide grid; node i's quorum is its row plus its column.
// Any two quorums meet: if a's row is full, it holds the cell (row a, column b); if it is the
// last, partly filled row, then a's column exists in every row, so b's row holds (row b,
// column a) — or a and b share the last row. Quorum size ≤ 2⌈√n⌉ − 1.

import type { NodeId } from '../../../core/process.js';

/** Node `id`'s voting set, ascending (it contains `id`). */
export function gridQuorum(id: NodeId, n: number): NodeId[] {
  const width = Math.ceil(Math.sqrt(n));
  const row = Math.floor((id - 1) / width);
  const column = (id - 1) % width;
  const members = new Set<NodeId>();
  for (let c = 0; c < width; c++) {
    const member = row * width + c + 1;
    if (member <= n) members.add(member);
  }
  for (let r = 0; r * width < n; r++) {
    const member = r * width + column + 1;
    if (member <= n) members.add(member);
  }
  return [...members].sort((a, b) => a - b);
}
