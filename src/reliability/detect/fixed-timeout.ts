// The fixed-timeout heartbeat detector: a peer silent for `timeoutMs` since it was last
// heard from is suspected (Chandra & Toueg's construction of ◇P from heartbeats, with the
// timeout never adapted). Simple, and only as good as its one constant: shorter than the
// worst gap between two arrivals it suspects live peers (a lost heartbeat, a delay spike),
// longer and every crash takes that long to notice. phi-accrual.ts adapts instead.
//
// Fault model: as monitor.ts — silence is all it sees, so loss, delay, partitions and pauses
// beyond the timeout are indistinguishable from a crash.

import type { NodeId } from '../../core/process.js';
import { type MonitorState, suspectWhere } from './monitor.js';

/** When a peer last heard from at `lastHeardMs` becomes suspected. */
export function fixedTimeoutDeadlineMs(lastHeardMs: number, timeoutMs: number): number {
  return lastHeardMs + timeoutMs;
}

/** Suspects every peer silent for at least `timeoutMs`; returns the newly suspected ones. */
export function suspectSilent(
  d: MonitorState,
  peers: readonly NodeId[],
  nowMs: number,
  timeoutMs: number,
): NodeId[] {
  return suspectWhere(
    d,
    peers,
    (p) => nowMs >= fixedTimeoutDeadlineMs(d.lastHeardMs[p] ?? nowMs, timeoutMs),
  );
}
