// Where the stage puts each node, and which edges it draws as the algorithm's own wiring:
// every node on one circle (in ring order for a ring), or, for two-layer rings, each inner
// ring on its own small circle centred on its place on the outer ring, its first node
// facing the centre where the outer ring runs.

import type { AnyAlgorithm, OptionValues } from '../../src/core/algorithm.js';
import type { Topology } from '../../src/core/topology.js';

export const SIZE = 420;
const CENTRE = SIZE / 2;
const R = 160;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface StageLayout {
  /** Index id−1. */
  readonly positions: readonly Point[];
  /** Successor links of the algorithm's rings, [from, to]; empty for a complete graph. */
  readonly ringEdges: readonly (readonly [number, number])[];
  readonly nodeRadius: number;
}

const onCircle = (c: Point, r: number, angle: number): Point => ({
  x: c.x + r * Math.cos(angle),
  y: c.y + r * Math.sin(angle),
});

const top = -Math.PI / 2;

function successors(order: readonly number[]): [number, number][] {
  if (order.length < 2) return [];
  return order.map((id, i) => [id, order[(i + 1) % order.length] as number]);
}

function circle(n: number, order: readonly number[]): Point[] {
  const positions: Point[] = Array.from({ length: n }, () => ({ x: CENTRE, y: CENTRE }));
  order.forEach((id, i) => {
    positions[id - 1] = onCircle(
      { x: CENTRE, y: CENTRE },
      R,
      top + (2 * Math.PI * i) / order.length,
    );
  });
  return positions;
}

function twoLayer(n: number, rings: readonly (readonly number[])[]): StageLayout {
  const positions: Point[] = Array.from({ length: n }, () => ({ x: CENTRE, y: CENTRE }));
  const outer = rings.length === 1 ? 0 : 125;
  const gap = rings.length === 1 ? 2 * R : 2 * outer * Math.sin(Math.PI / rings.length);
  const inner = Math.min(rings.length === 1 ? R : 75, 0.45 * gap);
  let largest = 1;
  rings.forEach((members, l) => {
    largest = Math.max(largest, members.length);
    const angle = top + (2 * Math.PI * l) / rings.length;
    const centre = onCircle({ x: CENTRE, y: CENTRE }, outer, angle);
    members.forEach((id, j) => {
      const facing = rings.length === 1 ? top : angle + Math.PI;
      positions[id - 1] = onCircle(centre, inner, facing + (2 * Math.PI * j) / members.length);
    });
  });
  const firsts = rings.map((members) => members[0] as number);
  const spacing = largest > 1 ? inner * Math.sin(Math.PI / largest) : inner;
  return {
    positions,
    ringEdges: [...successors(firsts), ...rings.flatMap(successors)],
    nodeRadius: Math.max(9, Math.min(22, 0.8 * spacing)),
  };
}

function layoutOf(n: number, topology: Topology | undefined): StageLayout {
  if (topology?.kind === 'rings') return twoLayer(n, topology.rings);
  const order =
    topology?.kind === 'ring' ? topology.order : Array.from({ length: n }, (_, i) => i + 1);
  return {
    positions: circle(n, order),
    ringEdges: topology?.kind === 'ring' ? successors(order) : [],
    nodeRadius: Math.max(9, Math.min(22, 0.8 * R * Math.sin(Math.PI / Math.max(2, n)))),
  };
}

/** The stage layout of a run of `spec` (null for a trace opened from a file: one circle). */
export function stageLayout(
  spec: AnyAlgorithm | null,
  n: number,
  options: OptionValues,
): StageLayout {
  return layoutOf(n, spec?.topology?.(n, options));
}
