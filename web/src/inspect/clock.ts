// Inspector fields and stage drawings of the logical clocks (clock/lamport, clock/vector): each node's clock at
// the slider's time — a Lamport clock inside the node, a vector clock beside it.

import type { ClockState } from '../../../src/algorithms/clock/workload.js';
import { scalar } from './read.js';
import type { InspectorField, NodeDrawing } from './types.js';

const isClock = (s: unknown): s is ClockState<unknown> =>
  typeof s === 'object' && s !== null && 'clock' in s && 'performed' in s;

export function clockDrawing(state: unknown): NodeDrawing | undefined {
  if (!isClock(state)) return undefined;
  const { clock } = state;
  if (typeof clock === 'number')
    return { inside: { text: `L${clock}`, label: `Lamport clock ${clock}` } };
  if (Array.isArray(clock)) {
    const text = `[${clock.join(',')}]`;
    return { caption: { text, label: `vector clock ${clock.join(' ')}` } };
  }
  return undefined;
}

/** Inspector fields: the clock and how many events the node has performed. */
export function clockFields(state: unknown): readonly InspectorField[] | undefined {
  if (!isClock(state)) return undefined;
  const { clock } = state;
  return [
    { label: 'clock', value: Array.isArray(clock) ? `[${clock.join(', ')}]` : scalar(clock) },
    { label: 'performed', value: scalar(state.performed) },
  ];
}
