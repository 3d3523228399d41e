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

/** Room from the centre to the stage's edge, less a node's badge below it. */
const REACH = SIZE / 2 - 18;
/** Clear space kept between neighbouring LAN rings. */
const LAN_GAP = 4;

function twoLayer(n: number, rings: readonly (readonly number[])[]): StageLayout {
  const positions: Point[] = Array.from({ length: n }, () => ({ x: CENTRE, y: CENTRE }));
  const lans = rings.length;
  // Each LAN takes a disc of radius `footprint` (its ring plus a node's radius); the discs'
  // centres sit on the outer circle, as large as the stage allows without two touching.
  const s = lans > 1 ? Math.sin(Math.PI / lans) : 1;
  const footprint = lans > 1 ? (REACH * s - LAN_GAP) / (1 + s) : REACH;
  const outer = lans > 1 ? REACH - footprint : 0;
  const largest = Math.max(1, ...rings.map((members) => members.length));
  const k = largest > 1 ? Math.sin(Math.PI / largest) : 1;
  const nodeRadius = Math.max(6, Math.min(22, (footprint * k) / (1 + k)));
  const inner = largest > 1 ? footprint - nodeRadius : 0;
  rings.forEach((members, l) => {
    const angle = top + (2 * Math.PI * l) / lans;
    const centre = onCircle({ x: CENTRE, y: CENTRE }, outer, angle);
    const facing = lans > 1 ? angle + Math.PI : top;
    members.forEach((id, j) => {
      positions[id - 1] = onCircle(centre, inner, facing + (2 * Math.PI * j) / members.length);
    });
  });
  const firsts = rings.map((members) => members[0] as number);
  return {
    positions,
    ringEdges: [...successors(firsts), ...rings.flatMap(successors)],
    nodeRadius,
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

export interface BadgePlace {
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'middle' | 'end';
  /** Degrees about (x, y); 0 for a badge under its node. */
  readonly rotate: number;
  /** Px, for a badge along the radius (badges converge towards the centre); else the CSS's. */
  readonly fontSize: number | undefined;
}

/**
 * Closer than this (px between neighbouring nodes' centres), badges under their nodes would
 * overlap their neighbours' ("leader is 40" is about 65 px wide at 11 px).
 */
const BADGE_ROOM = 70;

/**
 * Where a node's badge goes: under the node while its neighbours are far enough apart;
 * on a crowded circle (40 nodes) along the radius, inside the circle, read outwards — each
 * badge then takes only its line's height along the circle, which leaves room for 40.
 */
export function badgePlace(layout: StageLayout, id: number, radial: boolean): BadgePlace {
  const p = layout.positions[id - 1] ?? { x: CENTRE, y: CENTRE };
  const r = layout.nodeRadius;
  const n = layout.positions.length;
  const spacing = 2 * R * Math.sin(Math.PI / Math.max(2, n));
  if (!radial || spacing >= BADGE_ROOM)
    return { x: p.x, y: p.y + r + 16, anchor: 'middle', rotate: 0, fontSize: undefined };
  const angle = Math.atan2(p.y - CENTRE, p.x - CENTRE);
  const at = onCircle(
    { x: CENTRE, y: CENTRE },
    Math.hypot(p.x - CENTRE, p.y - CENTRE) - r - 4,
    angle,
  );
  const degrees = (angle * 180) / Math.PI;
  // On the left half the text would read upside down: turn it round, anchored at its start.
  const flip = Math.cos(angle) < 0;
  // Neighbouring badges draw closer towards the centre: a line's height stays under their
  // distance at the inner end of a long badge ("leader is 40" at 40 nodes).
  const fontSize = Math.min(11, Math.round(spacing * 3.6) / 10);
  return {
    ...at,
    anchor: flip ? 'start' : 'end',
    rotate: flip ? degrees + 180 : degrees,
    fontSize,
  };
}

/** Whether a layout puts its nodes on one circle (badges may then go along the radius). */
export const onOneCircle = (topology: Topology | undefined) => topology?.kind !== 'rings';
