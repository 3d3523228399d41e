// What the timeline marks besides broken checks: every fault event the trace records (crash,
// restart, pause, resume, partition, heal, one-way block and its end), at its tick, and the
// messages dropped, binned along the run (a run may drop hundreds: one mark per bin, its
// count in the title) so a glance shows when the network lost what.

import type { LabRun } from './run.js';
import { type FaultEvent, parseFault } from './tour/moments.js';

export interface FaultMarker {
  readonly t: number;
  readonly verb: FaultEvent['verb'];
  readonly text: string;
}

export interface DropMarker {
  /** The bin's start (ms). */
  readonly t: number;
  readonly count: number;
}

/** Bins across the slider: about one per 5 px of a 560 px wide slider. */
const DROP_BINS = 120;

export function faultMarkersOf(run: LabRun): FaultMarker[] {
  const found: FaultMarker[] = [];
  for (const r of run.records)
    if (r.ev === 'fault' && r.t <= run.endMs) {
      const f = parseFault(r.fault);
      found.push({ t: r.t, verb: f.verb, text: r.fault });
    }
  return found;
}

export function dropMarkersOf(run: LabRun): DropMarker[] {
  const width = run.endMs > 0 ? run.endMs / DROP_BINS : 1;
  const bins = new Map<number, number>();
  for (const r of run.records)
    if (r.ev === 'drop' && r.t <= run.endMs) {
      const bin = Math.min(DROP_BINS - 1, Math.floor(r.t / width));
      bins.set(bin, (bins.get(bin) ?? 0) + 1);
    }
  return [...bins].map(([bin, count]) => ({ t: bin * width, count }));
}
