/** @jsxImportSource preact */
// A chain node's block tree, drawn in its inspector: blocks by height from left to right,
// the chain its fork-choice rule follows (the most work, the most trust, the longest — from
// its tip back to genesis) on the first lane and filled, every fork on a lane below it,
// hollow, linked to its parent; the tip ringed. Each block shows who made it. Older heights
// than the drawn ones are counted.

import { type Lang, useLang } from '../i18n.js';
import type { BlockTreeView, TreeBlock } from '../inspect/types.js';

const COL = 34;
const LANE = 26;
const R = 10;
/** Fork lanes beyond this many are folded into the last. */
const MAX_LANES = 6;

/** Lanes: the best chain on 0; a fork continues its parent's lane or opens a new one. */
function lanesOf(blocks: readonly TreeBlock[]): Map<string, number> {
  const lane = new Map<string, number>();
  const continued = new Set<string>();
  let next = 1;
  for (const b of [...blocks].sort((a, c) => a.height - c.height)) {
    if (b.best) {
      lane.set(b.hash, 0);
      continue;
    }
    const parentLane = lane.get(b.parent);
    const reuse = parentLane !== undefined && parentLane > 0 && !continued.has(b.parent);
    continued.add(b.parent);
    lane.set(b.hash, reuse ? parentLane : Math.min(MAX_LANES, next++));
  }
  return lane;
}

/** What the picture shows, in the page's language. */
function caption(low: number, high: number, below: number, forks: number, lang: Lang): string {
  if (lang === 'zh')
    return `高度 ${low}–${high}${below > 0 ? `（另有 ${below} 个更早的区块）` : ''}；实心：分叉选择规则所跟随的链，带圈：链尖；空心：${forks} 个分叉区块`;
  const older = below > 0 ? ` (${below} older blocks)` : '';
  return `heights ${low}–${high}${older}; filled: the chain its fork choice follows, ringed: its tip; hollow: ${forks} fork block${forks === 1 ? '' : 's'}`;
}

export function BlockTree(props: { tree: BlockTreeView; id: number }) {
  const { blocks, tip } = props.tree;
  if (blocks.length === 0) return null;
  const lanes = lanesOf(blocks);
  const low = Math.min(...blocks.map((b) => b.height));
  const high = Math.max(...blocks.map((b) => b.height));
  const lanesUsed = Math.max(...lanes.values()) + 1;
  const at = (b: TreeBlock) => ({
    x: 16 + (b.height - low) * COL,
    y: 16 + (lanes.get(b.hash) ?? 0) * LANE,
  });
  const byHash = new Map(blocks.map((b) => [b.hash, b]));
  const forks = blocks.filter((b) => !b.best).length;
  const lang = useLang();
  const w = 32 + (high - low) * COL;
  const h = 32 + (lanesUsed - 1) * LANE;
  return (
    <figure class="block-tree" data-block-tree={props.id}>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        width={w}
        height={h}
        role="img"
        aria-label={`block tree: heights ${low} to ${high}, ${forks} blocks off the best chain`}
      >
        {blocks.map((b) => {
          const parent = byHash.get(b.parent);
          if (parent === undefined) return null;
          const p = at(parent);
          const c = at(b);
          return (
            <line
              key={`e${b.hash}`}
              class={`block-link${b.best ? ' best' : ''}`}
              x1={p.x + R}
              y1={p.y}
              x2={c.x - R}
              y2={c.y}
            />
          );
        })}
        {blocks.map((b) => {
          const { x, y } = at(b);
          return (
            <g
              key={b.hash}
              class={`block${b.best ? ' best' : ' fork'}${b.hash === tip ? ' tip' : ''}`}
              data-block={b.hash.slice(0, 12)}
              data-block-height={b.height}
              data-block-best={String(b.best)}
              data-block-tip={String(b.hash === tip)}
            >
              <title>{`height ${b.height}, ${b.hash.slice(0, 12)}…, by node ${b.by}${b.hash === tip ? ' (tip)' : b.best ? '' : ' (fork)'}`}</title>
              {b.hash === tip && <circle class="tip-ring" cx={x} cy={y} r={R + 3} />}
              <rect x={x - R} y={y - R} width={2 * R} height={2 * R} rx={3} />
              <text x={x} y={y + 4} text-anchor="middle">
                {b.by === 0 ? 'G' : b.by}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{caption(low, high, props.tree.below, forks, lang)}</figcaption>
    </figure>
  );
}
