// `cohort bench raft-sim`: how fast the simulator runs consensus/raft — client operations
// completed and log entries committed per wall-clock second, 5 servers and 8 clients with no
// think time, without faults and under a fixed random fault plan (the fuzzer's generator,
// seed 7). Tracing off, as the fuzzer runs; best of `repeats` after a warm-up.

import { raft } from '../src/algorithms/consensus/raft/index.js';
import { formatFaultPlan } from '../src/sim/fault-plan.js';
import { randomFaultPlan } from '../src/sim/fuzz.js';
import { simulate } from '../src/sim/run.js';

export interface RaftSimRun {
  readonly faults: string;
  readonly virtualMs: number;
  readonly commits: number;
  readonly clientOps: number;
  readonly seconds: number;
  readonly commitsPerSecond: number;
  readonly clientOpsPerSecond: number;
  readonly virtualToWall: number;
}

const CLIENTS = 8;
const NODES = 5 + CLIENTS;
const VIRTUAL_MS = 10_000;

function runOnce(faults: string): RaftSimRun {
  const started = performance.now();
  const { result } = simulate(raft, {
    nodes: NODES,
    seed: 7,
    faults,
    durationMs: VIRTUAL_MS,
    trace: 'off',
    options: { clients: CLIENTS, thinkMs: 0, requests: 100_000, configChanges: false },
  });
  const seconds = (performance.now() - started) / 1000;
  const commits = Number(result.metrics.commits);
  const clientOps = Number(result.metrics.clientOpsOk);
  return {
    faults: faults || 'none',
    virtualMs: result.virtualTimeMs,
    commits,
    clientOps,
    seconds,
    commitsPerSecond: Math.round(commits / seconds),
    clientOpsPerSecond: Math.round(clientOps / seconds),
    virtualToWall: Math.round((result.virtualTimeMs / 1000 / seconds) * 10) / 10,
  };
}

export function benchRaftSim(
  opts: { repeats?: number; onProgress?: (text: string) => void } = {},
): RaftSimRun[] {
  const repeats = opts.repeats ?? 3;
  const faulty = formatFaultPlan(randomFaultPlan(7, NODES, Math.floor(VIRTUAL_MS * 0.6)));
  runOnce(''); // Warm-up: let the JIT compile the hot path.
  return ['', faulty].map((faults) => {
    let best: RaftSimRun | undefined;
    for (let i = 0; i < repeats; i++) {
      opts.onProgress?.(
        `bench raft-sim: ${faults ? 'faults' : 'no faults'}, run ${i + 1}/${repeats}`,
      );
      const run = runOnce(faults);
      if (best === undefined || run.clientOpsPerSecond > best.clientOpsPerSecond) best = run;
    }
    return best as RaftSimRun;
  });
}
