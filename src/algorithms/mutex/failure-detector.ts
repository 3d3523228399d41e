// A heartbeat failure detector (the notes' improvement for Ricart–Agrawala and the
// centralized coordinator's failover [001 §2.1]): every node sends a Heartbeat every
// `heartbeatMs`; a peer silent for `suspectAfterMs` is suspected, and any message from it
// clears the suspicion. Its state is volatile — a restarted node trusts everyone again.
//
// Fault model. It is only as good as its timeout: with message latency bounded by
// `maxDelayMs` and no losses, a crashed peer is suspected within `suspectAfterMs` and a live
// one never is (a perfect detector, Chandra & Toueg's P). Partitions, long pauses and lost
// heartbeats make it suspect live peers; the algorithms that rely on it declare that fault
// model and show the false suspicion as a named scenario.

import type { FaultModel } from '../../core/algorithm.js';
import type { NodeId } from '../../core/process.js';
import {
  freshMonitor,
  type MonitorState,
  heardFrom as monitorHeardFrom,
  suspectSilent as suspectSilentFor,
} from '../../reliability/detect/index.js';

/** The bookkeeping is reliability/detect's (shared with detect/heartbeat). */
export type DetectorState = MonitorState;

export interface DetectorTiming {
  readonly heartbeatMs: number;
  readonly suspectAfterMs: number;
}

/** A detector that has just heard from every peer (at `nowMs`). */
export const freshDetector = freshMonitor;

/** Records that `from` spoke; returns true when this clears a suspicion (it came back). */
export const heardFrom = monitorHeardFrom;

/** Suspects every peer silent for too long; returns the newly suspected ones. */
export function suspectSilent(
  d: DetectorState,
  peers: readonly NodeId[],
  nowMs: number,
  timing: DetectorTiming,
): NodeId[] {
  return suspectSilentFor(d, peers, nowMs, timing.suspectAfterMs);
}

/**
 * Timeouts for a detector that never suspects a live peer when latency is at most
 * `maxDelayMs`: several missed beats plus the worst latency, with room for clock drift.
 */
export function detectorTiming(heartbeatMs: number, maxDelayMs: number): DetectorTiming {
  return { heartbeatMs, suspectAfterMs: 3 * heartbeatMs + 2 * maxDelayMs };
}

/**
 * The fault model of an algorithm that trusts this detector: crashes and restarts, bounded
 * latency, duplicates, reordering and drift — but no losses, partitions or pauses, which make
 * a live peer look crashed.
 */
export const PERFECT_DETECTOR: FaultModel = {
  tolerates: ['crash', 'delay', 'dup', 'reorder', 'drift'],
  maxDelayMs: 40,
  assumption:
    'a perfect failure detector: latency is bounded and no heartbeat is lost, so only a ' +
    'crashed peer is ever suspected (partitions and pauses break it)',
};

/** The simulator's worst latency under PERFECT_DETECTOR (a reordered message waits 4× more). */
export const PERFECT_DETECTOR_WORST_LATENCY_MS = 5 * (PERFECT_DETECTOR.maxDelayMs ?? 0) + 1;
