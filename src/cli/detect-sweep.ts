// The sweep behind `cohort detect`: detect/heartbeat in the simulator under each setting of
// loss and delay jitter (on every link, or on one link only — where a per-link detector
// should shine), with the fixed-timeout detector at each timeout and the φ accrual
// detector at each threshold. Every run crashes the last node for 1.5 s every 4 s (so each
// run measures several detection times) and counts false suspicions over the whole run. The
// sums are pooled over seeds before dividing, so a point is one estimate, not a mean of
// ratios. Virtual time only: the same flags give the same numbers on any machine.

import { heartbeat } from '../algorithms/detect/heartbeat/index.js';
import { summarizeDetection } from '../algorithms/detect/heartbeat/metrics.js';
import type { DetectView } from '../algorithms/detect/heartbeat/replay.js';
import { simulate } from '../sim/run.js';

export type DetectorKind = 'fixed' | 'phi';

export interface SweepSetting {
  /** Fraction of messages lost, 0..1. */
  readonly loss: number;
  /** Uniform latency range, ms: on every link, or only on `link` (the rest keep 1..10). */
  readonly delayMs: readonly [number, number];
  /** The one link (both ways) the jitter applies to, or null for every link. */
  readonly link: readonly [number, number] | null;
}

export interface SweepConfig {
  readonly nodes: number;
  readonly intervalMs: number;
  readonly durationMs: number;
  readonly seeds: number;
  readonly settings: readonly SweepSetting[];
  readonly timeoutsMs: readonly number[];
  readonly thresholds: readonly number[];
}

export interface SweepPoint {
  readonly detector: DetectorKind;
  /** The fixed detector's timeout (ms), or φ's threshold. */
  readonly parameter: number;
  readonly crashes: number;
  readonly detected: number;
  readonly detectionMsMean: number | null;
  readonly detectionMsMax: number | null;
  readonly falseSuspicions: number;
  /** False suspicions per monitored (live node, live peer) pair per minute: λ_M. */
  readonly mistakesPerPairMinute: number;
  /** Share of live pair-time spent wrongly suspecting, percent: 1 − P_A. */
  readonly wrongSuspicionPct: number;
}

export interface SweepSettingReport extends SweepSetting {
  readonly faults: string;
  readonly points: readonly SweepPoint[];
}

/** The crash cycle: the last node is down 1.5 s of every 4 s, all before the liveness tail. */
export const CRASH_FIRST_MS = 3_000;
const CRASH_EVERY_MS = 4_000;
const CRASH_DOWN_MS = 1_500;
const TAIL_MS = heartbeat.livenessDeadlineMs;
export const MIN_SWEEP_DURATION_MS = CRASH_FIRST_MS + CRASH_DOWN_MS + TAIL_MS;

/** The fault plan of one setting: loss and jitter for the whole run, and the crash cycle. */
export function sweepFaults(setting: SweepSetting, nodes: number, durationMs: number): string {
  const parts: string[] = [];
  if (setting.loss > 0) parts.push(`drop ${setting.loss}`);
  const range = `delay ${setting.delayMs[0]}..${setting.delayMs[1]}`;
  parts.push(setting.link === null ? range : `link ${setting.link[0]}-${setting.link[1]} ${range}`);
  for (let t = CRASH_FIRST_MS; t + CRASH_DOWN_MS + TAIL_MS <= durationMs; t += CRASH_EVERY_MS)
    parts.push(`crash ${nodes} @${t}`, `restart ${nodes} @${t + CRASH_DOWN_MS}`);
  return parts.join('; ');
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function runPoint(
  config: SweepConfig,
  faults: string,
  detector: DetectorKind,
  parameter: number,
): SweepPoint {
  const options =
    detector === 'fixed'
      ? { detector, intervalMs: config.intervalMs, timeoutMs: parameter }
      : { detector, intervalMs: config.intervalMs, phiThreshold: parameter };
  const detections: number[] = [];
  let crashes = 0;
  let falseSuspicions = 0;
  let livePairMs = 0;
  let wrongPairMs = 0;
  for (let seed = 1; seed <= config.seeds; seed++) {
    const { sim } = simulate(heartbeat, {
      nodes: config.nodes,
      seed,
      faults,
      durationMs: config.durationMs,
      options,
      trace: 'off',
    });
    const s = summarizeDetection(sim as unknown as DetectView);
    detections.push(...s.detectionsMs);
    crashes += s.crashes;
    falseSuspicions += s.falseSuspicions;
    livePairMs += s.livePairMs;
    wrongPairMs += s.wrongPairMs;
  }
  const mean = detections.reduce((a, b) => a + b, 0) / detections.length;
  return {
    detector,
    parameter,
    crashes,
    detected: detections.length,
    detectionMsMean: detections.length === 0 ? null : round(mean, 1),
    detectionMsMax: detections.length === 0 ? null : round(Math.max(...detections), 1),
    falseSuspicions,
    mistakesPerPairMinute: livePairMs === 0 ? 0 : round(falseSuspicions / (livePairMs / 60_000), 4),
    wrongSuspicionPct: livePairMs === 0 ? 0 : round((100 * wrongPairMs) / livePairMs, 4),
  };
}

/** Runs the whole sweep; `onProgress` hears after each point (done, total). */
export function runDetectSweep(
  config: SweepConfig,
  onProgress?: (done: number, total: number) => void,
): SweepSettingReport[] {
  const total = config.settings.length * (config.timeoutsMs.length + config.thresholds.length);
  let done = 0;
  return config.settings.map((setting) => {
    const faults = sweepFaults(setting, config.nodes, config.durationMs);
    const points: SweepPoint[] = [];
    const sweep = (detector: DetectorKind, values: readonly number[]) => {
      for (const v of values) {
        points.push(runPoint(config, faults, detector, v));
        onProgress?.(++done, total);
      }
    };
    sweep('fixed', config.timeoutsMs);
    sweep('phi', config.thresholds);
    return { ...setting, faults, points };
  });
}
