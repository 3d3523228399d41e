// One format for every `cohort bench` row: the seed note's metric families (throughput,
// response time, completion time; resource use; availability) as a BenchMetrics record, the
// one nearest-rank percentile the benchmarks share, and a validity check (the format test and
// the docs rely on it). The common human table of these records is bench/metrics-table.ts.
//
// Fault model: pure functions over numbers the benches measured; a figure a bench cannot
// measure is left out (undefined), never invented. `checkBenchMetrics` reports what is wrong
// with a record instead of throwing, so a bad row names itself.

/** What one unit of throughput counts. */
export type MetricUnit =
  | 'ops'
  | 'writes'
  | 'messages'
  | 'calls'
  | 'transfers'
  | 'lookups'
  | 'decisions'
  | 'deliveries'
  | 'commits'
  | 'records'
  | 'megabytes'
  | 'elections'
  | 'detections'
  | 'jobs'
  | 'spreads';

/** A benchmark row's measurements in the common format (see docs/benchmarks.md). */
export interface BenchMetrics {
  /** What distinguishes this row from its siblings (system, size, concurrency, …). */
  readonly labels: Readonly<Record<string, string | number | boolean>>;
  /** What `throughputPerSecond` and `cpuMicrosPerOp` count. */
  readonly unit: MetricUnit;
  /** Completed units per wall-clock second (QPS/TPS; with unit 'megabytes', BPS / 10⁶). */
  readonly throughputPerSecond?: number;
  /** Response time of one unit: median and 99th percentile, milliseconds. */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Wall time of a fixed job, or time to reach a state (an election, a detection). */
  readonly completionMs?: number;
  /** Completion in protocol rounds, where the bench measures rounds rather than time. */
  readonly completionRounds?: number;
  /** CPU time of the system under test's process tree (all threads) over the measured run. */
  readonly cpuMs?: number;
  /** That CPU time per unit, microseconds. */
  readonly cpuMicrosPerOp?: number;
  /** Peak (or end-of-run) resident memory of the system under test, MiB. */
  readonly peakRssMb?: number;
  /** Fraction of attempted units that succeeded (during faults where the bench injects them). */
  readonly availability?: number;
  /**
   * Units that failed, where the bench counts them (0 for benches that stop on any failure,
   * so their figures exist only for failure-free runs; absent where failures go uncounted).
   */
  readonly errors?: number;
}

/** Nearest-rank percentile of ascending `sorted`; 0 when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** p50 and p99 of latency samples in milliseconds (sorts a copy). */
export function latencyPercentiles(samplesMs: ArrayLike<number>): { p50Ms: number; p99Ms: number } {
  const sorted = Float64Array.from(samplesMs).sort();
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** succeeded / (succeeded + failed); undefined when nothing was attempted. */
export function availabilityOf(succeeded: number, failed: number): number | undefined {
  const attempted = succeeded + failed;
  return attempted > 0 ? succeeded / attempted : undefined;
}

/** BenchMetrics with any figure possibly undefined (not measured in this row). */
export type BenchMetricsInput = Pick<BenchMetrics, 'labels' | 'unit'> & {
  readonly [K in keyof BenchMetrics]?: BenchMetrics[K] | undefined;
};

/** A record with the undefined figures dropped (JSON then shows only what was measured). */
export function benchMetrics(m: BenchMetricsInput): BenchMetrics {
  return Object.fromEntries(
    Object.entries(m).filter(([, v]) => v !== undefined),
  ) as unknown as BenchMetrics;
}

const FRACTIONS = ['availability'] as const;
const NON_NEGATIVE = [
  'throughputPerSecond',
  'p50Ms',
  'p99Ms',
  'completionMs',
  'completionRounds',
  'cpuMs',
  'cpuMicrosPerOp',
  'peakRssMb',
  'errors',
] as const;

/** What is wrong with `m` as a BenchMetrics record: empty when it is valid. */
export function checkBenchMetrics(m: BenchMetrics): string[] {
  const problems: string[] = [];
  const num = (k: string) => (m as unknown as Record<string, unknown>)[k];
  for (const k of NON_NEGATIVE) {
    const v = num(k);
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      problems.push(`${k} is ${String(v)}, not a finite number ≥ 0`);
  }
  for (const k of FRACTIONS) {
    const v = num(k);
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1)))
      problems.push(`${k} is ${String(v)}, not a fraction in 0..1`);
  }
  if (typeof m.unit !== 'string' || m.unit.length === 0) problems.push('unit is missing');
  if (typeof m.labels !== 'object' || m.labels === null || Object.keys(m.labels).length === 0)
    problems.push('labels are missing');
  if ((m.p50Ms === undefined) !== (m.p99Ms === undefined))
    problems.push('p50Ms and p99Ms come together');
  if (m.p50Ms !== undefined && m.p99Ms !== undefined && m.p50Ms > m.p99Ms)
    problems.push(`p50Ms ${m.p50Ms} > p99Ms ${m.p99Ms}`);
  // A row that failed outright (e.g. never detected) may have errors and no figure.
  const measured = [m.throughputPerSecond, m.p50Ms, m.completionMs, m.completionRounds];
  if (measured.every((x) => x === undefined) && !((m.errors ?? 0) > 0))
    problems.push('no throughput, response time or completion figure');
  return problems;
}
