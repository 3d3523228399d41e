// `cohort bench gossip`: gossip/anti-entropy and gossip/swim in the simulator, against the
// analysis they come from.
//
// Spread: rounds until node 1's one update reaches every node, and messages per node until
// then, for push, pull and push-pull at each cluster size, beside the papers' leading terms
// (push log₂N + ln N, Pittel 1987; pull log₂N + log₂ln N; push-pull log₃N + log₂ln N, Karp
// et al. 2000: expectedRounds in spread-model.ts). Sizes up to 1,000 run in the simulator
// (the algorithm as a Process, every message delivered with latency); the simulator keeps n²
// link records, so at 10,000 the same exchanges run in the synchronous round model
// (spread-model.ts, which anti-entropy.test.ts checks against the simulator where both run).
// Each figure is the median over seeds 1..seeds.
//
// SWIM (Das, Gupta, Motivala 2002) at 16 members, period T = 100 ms, k = 3, per loss rate:
//   - first detection: a member crashed at 1 s; time until some member declares it, in
//     periods, without suspicion — against the paper's e/(e−1) (§3.1: each period the crashed
//     member is probed with probability 1 − (1 − 1/(n−1))^(n−1) → 1 − 1/e);
//   - full detection with suspicion (every live member has it failed): the first detection,
//     the suspicion timeout and the piggybacked dissemination;
//   - false positives without crashes (30 s): declarations per probe without suspicion,
//     against (1 − (1−q)²)·(1 − (1−q)⁴)^k (§5 with q_f = 0), and with suspicion on.
// A delay sweep at 10% loss shows round trips near the ping timeout turning into suspicions.
//
// Fault model: the simulator's (message loss and delay as configured); nothing real.

import { antiEntropy } from '../src/algorithms/gossip/anti-entropy/index.js';
import type { GossipMode } from '../src/algorithms/gossip/anti-entropy/options.js';
import { expectedRounds, modelSpread } from '../src/algorithms/gossip/anti-entropy/spread-model.js';
import { swim } from '../src/algorithms/gossip/swim/index.js';
import { simulate } from '../src/sim/run.js';

export const GOSSIP_MODES: readonly GossipMode[] = ['push', 'pull', 'push-pull'];
export const DEFAULT_SIZES = [10, 100, 1000, 10_000] as const;
/** Above this the simulator's n² link table does not fit: the round model runs instead. */
export const MAX_SIM_NODES = 1000;

export interface SpreadRow {
  readonly mode: GossipMode;
  readonly nodes: number;
  readonly engine: 'simulator' | 'round model';
  readonly rounds: number;
  readonly messagesPerNode: number;
  readonly expectedRounds: number;
  readonly seeds: number;
}

export interface SwimRow {
  readonly lossPct: number;
  readonly delayMs: string;
  /** Mean over seeds, in protocol periods; e/(e−1) ≈ 1.58 in the paper. */
  readonly firstDetectionPeriods: number | null;
  readonly expectedFirstDetectionPeriods: number;
  /** With suspicion: crash → every live member has it failed, in periods (mean over seeds). */
  readonly fullDetectionPeriods: number | null;
  readonly falsePositivePerProbe: number;
  readonly expectedFalsePositivePerProbe: number;
  readonly falsePositivePerProbeWithSuspicion: number;
  readonly seeds: number;
}

export interface GossipBenchReport {
  readonly spread: readonly SpreadRow[];
  readonly swim: readonly SwimRow[];
  readonly swimMembers: number;
  readonly swimPeriodMs: number;
}

export interface GossipBenchOptions {
  readonly sizes?: readonly number[];
  readonly seeds?: number;
  readonly swimSeeds?: number;
  readonly lossPcts?: readonly number[];
  readonly onProgress?: (text: string) => void;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const meanOf = (xs: readonly number[]) =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function spreadOnce(n: number, mode: GossipMode, seed: number) {
  if (n > MAX_SIM_NODES) return modelSpread(n, mode, 1, seed);
  const { result } = simulate(antiEntropy, { nodes: n, seed, options: { mode } });
  if (!result.ok) throw new Error(`gossip/anti-entropy failed at n=${n} seed ${seed} (${mode})`);
  return {
    rounds: result.metrics.roundsToSpreadMax as number,
    messagesPerNode: result.metrics.messagesPerNodeToSpread as number,
  };
}

export function benchSpread(options: GossipBenchOptions = {}): SpreadRow[] {
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const seeds = options.seeds ?? 5;
  const say = options.onProgress ?? (() => {});
  return sizes.flatMap((n) =>
    GOSSIP_MODES.map((mode): SpreadRow => {
      const runs = Array.from({ length: seeds }, (_, i) => {
        say(`spread: ${mode}, ${n} nodes, seed ${i + 1}/${seeds}`);
        return spreadOnce(n, mode, i + 1);
      });
      return {
        mode,
        nodes: n,
        engine: n > MAX_SIM_NODES ? 'round model' : 'simulator',
        rounds: median(runs.map((r) => r.rounds)),
        messagesPerNode: round(median(runs.map((r) => r.messagesPerNode)), 2),
        expectedRounds: round(expectedRounds(n, mode, 1), 2),
        seeds,
      };
    }),
  );
}

export const SWIM_MEMBERS = 16;
export const SWIM_PERIOD_MS = 100;
const SWIM_K = 3;
const CRASH_AT_MS = 1000;
const QUIET_MS = 30_000;
const E_OVER_E_MINUS_1 = Math.E / (Math.E - 1);

function swimRun(seed: number, faults: string, suspicion: boolean, durationMs?: number) {
  const { result } = simulate(swim, {
    nodes: SWIM_MEMBERS,
    seed,
    faults,
    ...(durationMs !== undefined && { durationMs }),
    options: { suspicion, k: SWIM_K, periodMs: SWIM_PERIOD_MS },
  });
  // Liveness is not asked of a run whose loss never heals; safety (the invariants) is.
  const broken = result.invariants.find((c) => !c.holds);
  if (broken !== undefined)
    throw new Error(`gossip/swim broke '${broken.name}': seed ${seed}, faults '${faults}'`);
  return result.metrics;
}

function swimRow(lossPct: number, delay: string, seeds: number, say: (t: string) => void) {
  const q = lossPct / 100;
  const net = `${q > 0 ? `drop ${q}; ` : ''}delay ${delay}`;
  const crash = `${net}; crash 7 @${CRASH_AT_MS}`;
  const first: number[] = [];
  const full: number[] = [];
  const fp: number[] = [];
  const fpSuspicion: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    say(`swim: loss ${lossPct}%, delay ${delay} ms, seed ${seed}/${seeds}`);
    const bare = swimRun(seed, crash, false);
    if (typeof bare.firstDetectionMsMean === 'number')
      first.push(bare.firstDetectionMsMean / SWIM_PERIOD_MS);
    const suspected = swimRun(seed, crash, true);
    if (typeof suspected.detectionMsMean === 'number')
      full.push(suspected.detectionMsMean / SWIM_PERIOD_MS);
    fp.push(swimRun(seed, net, false, QUIET_MS).declarationsPerProbe as number);
    fpSuspicion.push(swimRun(seed, net, true, QUIET_MS).declarationsPerProbe as number);
  }
  const f = meanOf(first);
  const d = meanOf(full);
  return {
    lossPct,
    delayMs: delay,
    firstDetectionPeriods: f === null ? null : round(f, 2),
    expectedFirstDetectionPeriods: round(E_OVER_E_MINUS_1, 2),
    fullDetectionPeriods: d === null ? null : round(d, 2),
    falsePositivePerProbe: round(meanOf(fp) ?? 0, 5),
    expectedFalsePositivePerProbe: round((1 - (1 - q) ** 2) * (1 - (1 - q) ** 4) ** SWIM_K, 5),
    falsePositivePerProbeWithSuspicion: round(meanOf(fpSuspicion) ?? 0, 5),
    seeds,
  } satisfies SwimRow;
}

/** The loss sweep at the default delay, then a delay sweep at 10% loss. */
export function benchSwim(options: GossipBenchOptions = {}): SwimRow[] {
  const seeds = options.swimSeeds ?? 10;
  const say = options.onProgress ?? (() => {});
  const losses = options.lossPcts ?? [0, 5, 10, 15, 20, 30];
  return [
    ...losses.map((loss) => swimRow(loss, '1..10', seeds, say)),
    ...['10..25', '20..40'].map((delay) => swimRow(10, delay, seeds, say)),
  ];
}

export function benchGossip(options: GossipBenchOptions = {}): GossipBenchReport {
  return {
    spread: benchSpread(options),
    swim: benchSwim(options),
    swimMembers: SWIM_MEMBERS,
    swimPeriodMs: SWIM_PERIOD_MS,
  };
}
