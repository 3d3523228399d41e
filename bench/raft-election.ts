// `cohort bench raft-election`: Figure 16 (top) of the Raft paper (Ongaro & Ousterhout 2014,
// §9.3) in the simulator — the time to detect and replace a crashed leader in a 5-server
// cluster, for election timeouts 150–150, 150–151, 150–155, 150–175, 150–200 and 150–300 ms.
// As in the paper: heartbeats every half minimum timeout, the leader crashed at a uniformly
// random point of its heartbeat interval, a broadcast time of about 15 ms (one-way delays
// uniform in 5–10 ms), and neither pre-vote nor check-quorum (the paper's Raft had neither).
// Each trial is its own seeded run, so the distribution is reproducible.

import { raft } from '../src/algorithms/consensus/raft/index.js';
import type { RaftOutput } from '../src/algorithms/consensus/raft/messages.js';
import { Prng } from '../src/core/prng.js';
import { nodeIds } from '../src/core/process.js';
import { resolveOptions } from '../src/sim/run.js';
import { Simulator } from '../src/sim/simulator.js';
import { percentile } from './metrics.js';

export const FIGURE_16_RANGES: readonly (readonly [number, number])[] = [
  [150, 150],
  [150, 151],
  [150, 155],
  [150, 175],
  [150, 200],
  [150, 300],
];

/** What §9.3 reports for the same ranges (where it gives a number). */
export const PAPER_FIGURES: Readonly<Record<string, string>> = {
  '150–150': 'consistently longer than 10 s (split votes)',
  '150–155': 'median 287 ms',
  '150–200': 'worst of 1000 trials 513 ms',
};

const SERVERS = 5;
/** A trial that has not elected by then is reported at the cap (the paper's 150–150 runs). */
const CAP_MS = 30_000;

export interface RangeResult {
  readonly range: string;
  readonly minMs: number;
  readonly maxMs: number;
  readonly trials: number;
  /** Milliseconds from the crash to the next leader's election, ascending. */
  readonly samples: readonly number[];
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly capped: number;
  readonly paper: string | null;
}

/** One trial: elect, crash the leader inside a heartbeat interval, time the next election. */
export function electionTrial(seed: number, minMs: number, maxMs: number): number {
  const options = resolveOptions(raft, {
    clients: 0,
    requests: 0,
    electionTimeoutMsMin: minMs,
    electionTimeoutMsMax: maxMs,
    heartbeatMs: Math.max(1, Math.floor(minMs / 2)),
    preVote: false,
    checkQuorum: false,
  });
  const ctx = { nodes: nodeIds(SERVERS), options, seed };
  const sim = new Simulator({
    seed,
    nodes: SERVERS,
    create: (id) => raft.create(id, ctx),
    trace: 'off',
    defaultDelayMs: [7, 8],
  });
  sim.start();
  const leaderAfter = (fromIndex: number, exceptNode: number) => {
    for (let i = fromIndex; i < sim.outputs.length; i++) {
      const r = sim.outputs[i];
      if (r !== undefined && r.node !== exceptNode && (r.output as RaftOutput).type === 'leader')
        return r;
    }
    return undefined;
  };
  // Let the first leader settle into heartbeats for a while (whatever the timeouts, the
  // first election may be slow too), then crash it at a random point of an interval.
  let first = leaderAfter(0, 0);
  for (let t = 1_000; first === undefined && t <= CAP_MS; t += 1_000) {
    sim.runUntil(t);
    first = leaderAfter(0, 0);
  }
  if (first === undefined) return CAP_MS;
  const heartbeat = options.heartbeatMs as number;
  const crashAt = sim.nowMs + 500 + new Prng(seed).range(0, heartbeat);
  sim.runUntil(crashAt);
  const leader = [...sim.outputs].reverse().find((r) => (r.output as RaftOutput).type === 'leader');
  const victim = leader?.node ?? first.node;
  sim.inject({ kind: 'crash', node: victim, atMs: crashAt });
  const mark = sim.outputs.length;
  for (let t = crashAt + 50; t <= crashAt + CAP_MS; t += 50) {
    sim.runUntil(t);
    const next = leaderAfter(mark, victim);
    if (next !== undefined) return next.atMs - crashAt;
  }
  return CAP_MS;
}

export function benchRaftElection(
  opts: {
    trials?: number;
    ranges?: readonly (readonly [number, number])[];
    onProgress?: (text: string) => void;
  } = {},
): RangeResult[] {
  const trials = opts.trials ?? 1000;
  return (opts.ranges ?? FIGURE_16_RANGES).map(([minMs, maxMs]) => {
    const range = `${minMs}–${maxMs}`;
    const samples: number[] = [];
    for (let i = 0; i < trials; i++) {
      if (i % 25 === 0) opts.onProgress?.(`bench raft-election: ${range} ms, trial ${i}/${trials}`);
      samples.push(Math.round(electionTrial(i + 1, minMs, maxMs) * 1000) / 1000);
    }
    samples.sort((a, b) => a - b);
    return {
      range,
      minMs,
      maxMs,
      trials,
      samples,
      p50: percentile(samples, 50),
      p90: percentile(samples, 90),
      p99: percentile(samples, 99),
      max: samples[samples.length - 1] ?? Number.NaN,
      capped: samples.filter((s) => s >= CAP_MS).length,
      paper: PAPER_FIGURES[range] ?? null,
    };
  });
}
