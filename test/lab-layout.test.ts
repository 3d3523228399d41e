// The Lab's stage layout (web/src/layout.ts): ring algorithms are drawn as their rings, and
// for every cluster the stage is meant for, no two nodes overlap and none leaves the stage.

import { describe, expect, it } from 'vitest';
import { findAlgorithm } from '../src/algorithms/registry.js';
import { resolveOptions } from '../src/sim/run.js';
import { SIZE, stageLayout } from '../web/src/layout.js';

function layoutFor(name: string, n: number, options: Record<string, number> = {}) {
  const spec = findAlgorithm(name);
  if (spec === undefined) throw new Error(name);
  return stageLayout(spec, n, resolveOptions(spec, options));
}

function expectApartAndInside(layout: ReturnType<typeof layoutFor>) {
  const r = layout.nodeRadius;
  layout.positions.forEach((p, i) => {
    expect(p.x - r).toBeGreaterThanOrEqual(0);
    expect(p.y - r).toBeGreaterThanOrEqual(0);
    expect(p.x + r).toBeLessThanOrEqual(SIZE);
    expect(p.y + r).toBeLessThanOrEqual(SIZE);
    for (const q of layout.positions.slice(i + 1))
      expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThanOrEqual(2 * r);
  });
}

describe('Lab stage layout', () => {
  it('draws a ring algorithm with its successor edges, a complete graph without', () => {
    expect(layoutFor('mutex/token-ring', 4).ringEdges).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 1],
    ]);
    expect(layoutFor('election/ring', 3).ringEdges).toHaveLength(3);
    expect(layoutFor('consensus/raft', 5).ringEdges).toEqual([]);
  });

  it('draws the two-layer token ring as LAN rings joined by the coordinators', () => {
    const edges = layoutFor('mutex/two-layer-token-ring', 7, { lans: 3, perLan: 3 }).ringEdges;
    // Coordinators 1, 4, 7 on the outer ring; LAN 3 is node 7 alone (7 = 2·3 + 1).
    expect(edges).toEqual([
      [1, 4],
      [4, 7],
      [7, 1],
      [1, 2],
      [2, 3],
      [3, 1],
      [4, 5],
      [5, 6],
      [6, 4],
    ]);
  });

  it.each([2, 3, 5, 8, 12, 20])('keeps %i nodes on a circle apart', (n) => {
    expectApartAndInside(layoutFor('consensus/raft', n));
  });

  it.each([
    [1, 4],
    [2, 3],
    [3, 3],
    [4, 4],
    [5, 2],
    [3, 6],
    [8, 2],
    [2, 8],
    [16, 1],
  ])('keeps %i LANs of %i nodes apart', (lans, perLan) => {
    expectApartAndInside(layoutFor('mutex/two-layer-token-ring', lans * perLan, { lans, perLan }));
  });
});
