// What the stage draws of each node at time t, taken from the state probe — the very replay
// the inspector reads, at the slider's time — never from a second simulation: the drawing
// its algorithm declares (inspect/drawings.ts) and the timer worth a ring, with how much of
// it is left. Everything is copied out at once: the probe's states are live objects.

import { nodeDrawingOf, ringTimersOf } from '../inspect/drawings.js';
import type { NodeDrawing } from '../inspect/types.js';
import type { NodeState } from '../node-state.js';
import type { PendingTimer } from './timer-watch.js';

export interface TimerRing {
  readonly name: string;
  /** Left until it fires and its whole span, on the node's clock (ms). */
  readonly leftMs: number;
  readonly totalMs: number;
}

export interface DrawnNode {
  readonly id: number;
  readonly drawing: NodeDrawing | undefined;
  readonly ring: TimerRing | undefined;
}

/** The pending timer to draw: the first of `names` that is set, else the one due next. */
export function ringOf(
  timers: readonly PendingTimer[],
  names: readonly string[] | undefined,
  nowMs: number,
): TimerRing | undefined {
  const chosen =
    names === undefined
      ? [...timers].sort((a, b) => a.dueAtMs - b.dueAtMs)[0]
      : names.map((name) => timers.find((x) => x.name === name)).find((x) => x !== undefined);
  if (chosen === undefined) return undefined;
  return {
    name: chosen.name,
    leftMs: Math.max(0, chosen.dueAtMs - nowMs),
    totalMs: chosen.dueAtMs - chosen.setAtMs,
  };
}

/** Every node's drawing at t (ms), by id; a node that is down draws nothing. */
export function drawnNodes(
  algorithm: string,
  probe: { at(id: number, t: number): NodeState | undefined },
  t: number,
  n: number,
): ReadonlyMap<number, DrawnNode> {
  const names = ringTimersOf(algorithm);
  const drawn = new Map<number, DrawnNode>();
  for (let id = 1; id <= n; id++) {
    const node = probe.at(id, t);
    if (node === undefined || !node.up) continue;
    drawn.set(id, {
      id,
      drawing: nodeDrawingOf(algorithm, node.state),
      ring: ringOf(node.timers, names, node.localNowMs),
    });
  }
  return drawn;
}

/** The fraction of a ring still to run, 1 when just set, 0 when due. */
export const ringFraction = (ring: TimerRing): number =>
  ring.totalMs <= 0 ? 0 : Math.min(1, ring.leftMs / ring.totalMs);

/** The drawing in words, for the node's accessible name ("term 2, election timer 80 ms left"). */
export function describeDrawn(d: DrawnNode | undefined): string {
  if (d === undefined) return '';
  const parts: string[] = [];
  if (d.drawing?.client === true) parts.push('client');
  if (d.drawing?.inside !== undefined) parts.push(d.drawing.inside.label);
  if (d.drawing?.caption !== undefined) parts.push(d.drawing.caption.label);
  for (const mark of d.drawing?.marks ?? [])
    parts.push(mark === 'token' ? 'holds the token' : mark);
  if (d.ring !== undefined) parts.push(`${d.ring.name} timer ${Math.round(d.ring.leftMs)} ms left`);
  return parts.join(', ');
}
