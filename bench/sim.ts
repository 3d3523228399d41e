// `cohort bench sim`: simulated message deliveries per wall-clock second on a message-heavy
// 5-node workload (every node keeps `window` messages in flight to its ring successor and
// forwards each one it receives), with tracing off, with the trace hashed (what every
// `cohort sim` run does), and with the full trace kept in memory (what `--trace` does).

import type { Message, NodeId, Process } from '../src/core/process.js';
import { Simulator } from '../src/sim/simulator.js';
import type { TraceLevel } from '../src/sim/trace.js';

interface Hop extends Message {
  readonly type: 'Hop';
  readonly hops: number;
}

function flood(id: NodeId, n: number, window: number): Process<Hop> {
  const next = (id % n) + 1;
  return {
    state: {},
    onStart(env) {
      for (let i = 0; i < window; i++) env.send(next, { type: 'Hop', hops: 0 });
    },
    onMessage(env, _from, m) {
      env.send(next, { type: 'Hop', hops: m.hops + 1 });
    },
    onTimer() {},
  };
}

export interface SimBenchRun {
  readonly trace: TraceLevel;
  readonly deliveries: number;
  readonly seconds: number;
  readonly deliveriesPerSecond: number;
}

export function benchSimOnce(
  trace: TraceLevel,
  virtualMs: number,
  nodes = 5,
  window = 64,
): SimBenchRun {
  const sim = new Simulator({
    seed: 42,
    nodes,
    create: (id) => flood(id, nodes, window) as Process,
    trace,
  });
  const started = performance.now();
  sim.start();
  sim.runUntil(virtualMs);
  const seconds = (performance.now() - started) / 1000;
  const deliveries = sim.stats.delivered;
  return { trace, deliveries, seconds, deliveriesPerSecond: Math.round(deliveries / seconds) };
}

export interface SimBenchReport {
  readonly nodes: number;
  readonly deliveriesPerSecond: number;
  readonly deliveriesPerSecondHashed: number;
  readonly deliveriesPerSecondTraced: number;
  readonly runs: readonly SimBenchRun[];
  readonly targetDeliveriesPerSecond: number;
  readonly meetsTarget: boolean;
}

/** Best of `repeats` for each level, after a warm-up run so the JIT has compiled the hot path. */
export function benchSim(
  opts: { repeats?: number; onProgress?: (text: string) => void } = {},
): SimBenchReport {
  const repeats = opts.repeats ?? 3;
  benchSimOnce('off', 2_000);
  const runs: SimBenchRun[] = [];
  const best = (trace: TraceLevel, virtualMs: number) => {
    let top = 0;
    for (let i = 0; i < repeats; i++) {
      opts.onProgress?.(`bench sim: trace ${trace}, run ${i + 1}/${repeats}`);
      const run = benchSimOnce(trace, virtualMs);
      runs.push(run);
      top = Math.max(top, run.deliveriesPerSecond);
    }
    return top;
  };
  const off = best('off', 20_000);
  const hashed = best('hash', 5_000);
  const full = best('full', 5_000);
  const target = 1_000_000;
  return {
    nodes: 5,
    deliveriesPerSecond: off,
    deliveriesPerSecondHashed: hashed,
    deliveriesPerSecondTraced: full,
    runs,
    targetDeliveriesPerSecond: target,
    meetsTarget: off >= target,
  };
}
