// The timing every simulated scheduler's failure handling rests on, in one place: machines
// heartbeat to whoever launches tasks on them (Borg's Borgmaster polls its Borglets; Mesos
// agents ping the master, EuroSys 2015 §3.3, NSDI 2011 §3.6), and each heartbeat's answer
// renews a lease. A machine that has not renewed its lease with a launcher for LEASE_MS of
// its own clock kills that launcher's tasks and starts a new session; the launcher declares
// the machine down — and only then reschedules its tasks elsewhere — after DOWN_AFTER_MS of
// its own clock without renewing. So "no task runs twice at once" holds through partitions,
// lost messages and crashes, as long as the two clocks drift at most MAX_DRIFT_PPM and a
// machine is never paused for more than MAX_PAUSE_MS (a paused machine cannot act on its
// lease's end). Borg chooses otherwise — it lets a partitioned Borglet's tasks run on while
// their replacements start — and these schedulers say so in their READMEs.
//
// Why DOWN_AFTER_MS is safe: the machine measures its lease from the moment it SENT the
// heartbeat the answer echoes (not from the answer's arrival), so a delayed or duplicated
// answer never stretches it. The launcher answered at real time r ≥ that send, so the
// machine's lease ends by r + LEASE_MS/(1−ρ) in real time, and the machine acts on it at most
// MAX_PAUSE_MS later. The launcher's DOWN_AFTER_MS of local time, measured from r, is at
// least DOWN_AFTER_MS/(1+ρ) of real time; DOWN_AFTER_MS/(1+ρ) > LEASE_MS/(1−ρ) + MAX_PAUSE_MS.

import { ALL_FAULT_KINDS, type FaultModel } from '../../../core/algorithm.js';

/** How often a machine heartbeats (Borg polls every few seconds; tasks here last 0.2–8 s). */
export const HEARTBEAT_MS = 500;
/** A lease's length on the machine's clock: four heartbeats in a row may be lost. */
export const LEASE_MS = 2_500;
/** Largest clock drift, either way, the lease arithmetic assumes (5%). */
export const MAX_DRIFT_PPM = 50_000;
/** Longest machine pause the lease arithmetic assumes. */
export const MAX_PAUSE_MS = 500;
/** Slack for the launcher's watch timer and integer rounding. */
const MARGIN_MS = 50;

const PPM = 1_000_000;

/** (1+ρ)·(LEASE_MS/(1−ρ) + MAX_PAUSE_MS) + margin, rounded up (3 339 ms). */
export const DOWN_AFTER_MS =
  Math.ceil(
    ((PPM + MAX_DRIFT_PPM) * ((LEASE_MS * PPM) / (PPM - MAX_DRIFT_PPM) + MAX_PAUSE_MS)) / PPM,
  ) + MARGIN_MS;

/**
 * An unanswered command (a Launch, a preemption) is sent again after this long; a
 * launcher's watch timer (retransmissions, machines past their lease) runs this often.
 */
export const RETRY_MS = 250;

/** The fault model of the three schedulers: every fault but the disk's, bounded clocks. */
export function schedulingFaultModel(): FaultModel {
  return {
    tolerates: ALL_FAULT_KINDS.filter((kind) => kind !== 'disk'),
    maxPauseMs: MAX_PAUSE_MS,
    maxDriftPpm: MAX_DRIFT_PPM,
    assumption:
      `clocks drift at most ${MAX_DRIFT_PPM / 10_000}% and a machine pauses at most ` +
      `${MAX_PAUSE_MS} ms: a launcher declares a machine down ${DOWN_AFTER_MS} ms after its ` +
      `last lease renewal, once the machine's ${LEASE_MS} ms lease has surely lapsed`,
  };
}
