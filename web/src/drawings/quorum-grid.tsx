/** @jsxImportSource preact */
// Maekawa's quorum grid, drawn in the inspector: nodes 1..n laid row by row on a ⌈√n⌉-wide
// grid, as src/algorithms/mutex/maekawa/quorum.ts lays them; the inspected node's quorum is
// its row and its column (outlined) and the members whose vote it holds are filled. Any two quorums meet in a cell: the picture shows why
// two nodes can never both hold all their votes.

import { useLang } from '../i18n.js';

/** Node id → its cell, ⌈√n⌉ wide, row by row (the algorithm's own layout). */
export const gridCell = (id: number, n: number): { row: number; col: number } => {
  const width = Math.ceil(Math.sqrt(n));
  return { row: Math.floor((id - 1) / width), col: (id - 1) % width };
};

export function QuorumGrid(props: {
  n: number;
  id: number;
  quorum: readonly number[];
  votes: readonly number[];
}) {
  const { n, id, quorum, votes } = props;
  const lang = useLang();
  const { row, col } = gridCell(id, n);
  const width = Math.ceil(Math.sqrt(n));
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  return (
    <figure class="quorum-grid" data-quorum-grid={id}>
      <div
        class="quorum-cells"
        style={{ gridTemplateColumns: `repeat(${width}, 2.2em)` }}
        role="img"
        aria-label={`quorum grid ${width} wide: node ${id}'s quorum is ${quorum.join(' ')}, votes held from ${votes.join(' ') || 'none'}`}
      >
        {ids.map((x) => {
          const inQuorum = quorum.includes(x);
          const voted = votes.includes(x);
          const cls = [
            'quorum-cell',
            inQuorum && 'in-quorum',
            voted && 'voted',
            x === id && 'self',
          ].filter((c) => c !== false);
          return (
            <span
              key={x}
              class={cls.join(' ')}
              data-grid-cell={x}
              data-in-quorum={String(inQuorum)}
              data-voted={String(voted)}
            >
              {x}
            </span>
          );
        })}
      </div>
      <figcaption>
        {lang === 'zh'
          ? `第 ${row + 1} 行 + 第 ${col + 1} 列：${quorum.length} 个投票者${votes.length > 0 ? `，已持有 ${votes.length} 张选票` : ''}`
          : `row ${row + 1} + column ${col + 1}: ${quorum.length} voters${votes.length > 0 ? `, ${votes.length} votes held` : ''}`}
      </figcaption>
    </figure>
  );
}
