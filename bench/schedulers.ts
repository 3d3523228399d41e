// `cohort bench schedulers`: the three simulated cluster-scheduler architectures
// (scheduling/monolithic, scheduling/two-level, scheduling/shared-state) over the same job
// streams at rising load — job wait p50/p99, CPU utilisation, fairness between owners
// (Jain's index over their time-averaged dominant shares), preemptions, Omega's conflicts
// and Mesos' declined offers — on one table and one plot (wait p99 against load, one line
// per architecture). The runs are simulated: a seed gives the same figures on any machine,
// and each point is the mean over `seeds` seeds (seed s draws the same jobs for all three).
// A run whose checks fail is reported, never averaged in silently.

import { monolithic } from '../src/algorithms/scheduling/monolithic/index.js';
import { sharedState } from '../src/algorithms/scheduling/shared-state/index.js';
import { twoLevel } from '../src/algorithms/scheduling/two-level/index.js';
import type { AnyAlgorithm } from '../src/core/algorithm.js';
import { simulate } from '../src/sim/run.js';

export const ARCHITECTURES = [
  { name: 'monolithic', spec: monolithic },
  { name: 'two-level', spec: twoLevel },
  { name: 'shared-state', spec: sharedState },
] as const satisfies readonly { name: string; spec: AnyAlgorithm }[];

/** Mean time between job arrivals, ms: from a lightly to an over-loaded cluster. */
export const DEFAULT_ARRIVALS_MS = [400, 200, 150, 100, 75, 50] as const;
const JOBS = 120;

export interface SchedulerRow {
  readonly architecture: string;
  readonly arrivalMs: number;
  /** Jobs per second offered. */
  readonly load: number;
  readonly seeds: number;
  readonly waitP50Ms: number;
  readonly waitP99Ms: number;
  readonly cpuPercent: number;
  /** Jain's index over the owners' dominant shares; null with one owner (monolithic). */
  readonly fairnessJain: number | null;
  readonly preemptions: number;
  /** Omega's refused commits (shared-state), per run. */
  readonly conflicts: number | null;
  /** Mesos' declined offers (two-level), per run. */
  readonly declines: number | null;
  /** Runs whose invariants or liveness checks failed, with the first failure. */
  readonly failed: readonly string[];
}

export interface SchedulersReport {
  readonly jobs: number;
  readonly seeds: number;
  readonly rows: readonly SchedulerRow[];
}

const mean = (xs: readonly number[]) =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/** How many owners (schedulers or frameworks) shared the cluster: `ownerShares` names each. */
function owners(runs: readonly { metrics: Record<string, unknown> }[]): number {
  return Math.max(...runs.map((r) => String(r.metrics.ownerShares ?? '').split(' ').length));
}

function point(
  architecture: (typeof ARCHITECTURES)[number],
  arrivalMs: number,
  seeds: number,
): SchedulerRow {
  const runs = Array.from({ length: seeds }, (_, i) => {
    const { result } = simulate(architecture.spec, {
      seed: i + 1,
      trace: 'off',
      options: { arrivalMs, jobs: JOBS },
      // Long enough for the last arrival and an over-loaded cluster's backlog to drain.
      durationMs: 2 * JOBS * arrivalMs + 60_000,
    });
    return result;
  });
  const metric = (name: string) => runs.map((r) => Number(r.metrics[name] ?? 0));
  const failed = runs.flatMap((r) =>
    [...r.invariants, ...r.liveness]
      .filter((c) => !c.holds)
      .map((c) => `seed ${r.seed}: ${c.name}: ${c.violation}`),
  );
  const has = (name: string) => runs.some((r) => name in r.metrics);
  return {
    architecture: architecture.name,
    arrivalMs,
    load: round(1000 / arrivalMs, 1),
    seeds,
    waitP50Ms: round(mean(metric('waitP50Ms'))),
    waitP99Ms: round(mean(metric('waitP99Ms'))),
    cpuPercent: round(mean(metric('utilizationCpuPercent')), 1),
    // Jain's index over one owner is 1 whatever happens: the monolithic scheduler owns all.
    fairnessJain: owners(runs) < 2 ? null : round(mean(metric('fairnessJain')), 3),
    preemptions: round(mean(metric('preemptions')), 1),
    conflicts: has('conflicts') ? round(mean(metric('conflicts')), 1) : null,
    declines: has('declines') ? round(mean(metric('declines')), 1) : null,
    failed,
  };
}

export function benchSchedulers(
  opts: {
    seeds?: number;
    arrivalsMs?: readonly number[];
    onProgress?: (text: string) => void;
  } = {},
): SchedulersReport {
  const seeds = opts.seeds ?? 5;
  const arrivals = opts.arrivalsMs ?? DEFAULT_ARRIVALS_MS;
  const rows: SchedulerRow[] = [];
  for (const arrivalMs of arrivals) {
    for (const architecture of ARCHITECTURES) {
      opts.onProgress?.(`${architecture.name}, a job every ${arrivalMs} ms (${seeds} seeds)`);
      rows.push(point(architecture, arrivalMs, seeds));
    }
  }
  return { jobs: JOBS, seeds, rows };
}
