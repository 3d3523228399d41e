// txn/3pc: the 6N / 4N message count and its latency, no blocking on a coordinator crash
// (either side of PreCommit), the partition divergence the atomicity check catches, and
// random fault plans within its synchronous fault model — and outside it, where the fuzzer
// finds the divergence by itself.

import { describe, expect, it } from 'vitest';
import type { AnyAlgorithm, OutputRecord } from '../../../core/algorithm.js';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { ATOMICITY } from '../shared/checks.js';
import type { TxnOutput } from '../shared/outputs.js';
import { threePc } from './index.js';

const scenario = (name: string) => {
  const s = threePc.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(threePc, {
    faults: s.faults,
    trace: 'full',
    ...(s.options && { options: s.options }),
  });
};

const outcomes = (sim: { outputs: readonly OutputRecord[] }, txn: number) =>
  (sim.outputs as readonly OutputRecord<TxnOutput>[])
    .filter((o) => o.output.type === 'outcome' && o.output.txn === txn)
    .map((o) => [o.node, (o.output as { outcome: string }).outcome, o.atMs]);

describe('txn/3pc without faults', () => {
  it.each([2, 4, 7])('costs 6N per commit and 4N per abort (n=%i)', (n) => {
    for (const noProbability of [0, 30, 100]) {
      const { result } = simulate(threePc, { nodes: n, seed: n, options: { noProbability } });
      expect(result.ok).toBe(true);
      const { committed, aborted } = result.metrics as { committed: number; aborted: number };
      expect(committed + aborted).toBe(5);
      expect(result.messages.sent).toBe((n - 1) * (6 * committed + 4 * aborted));
      expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
    }
  });

  it('decides in 4 message delays and finishes in 5 (10 ms each)', () => {
    const { result } = simulate(threePc, { faults: 'delay 10..10', options: { noProbability: 0 } });
    expect(result.metrics.decideLatencyMeanMs).toBe(40);
    expect(result.metrics.completeLatencyMeanMs).toBe(50);
  });
});

describe('txn/3pc scenarios', () => {
  it('coordinator-crash-after-precommit: the cohorts commit by their own timeout', () => {
    const { result, sim } = scenario('coordinator-crash-after-precommit');
    expect(result.ok).toBe(true);
    // Precommitted at 230, committed at the first tick ≥ 230 + 300.
    expect(outcomes(sim, 1)).toEqual([
      [2, 'commit', 600],
      [3, 'commit', 600],
      [4, 'commit', 600],
    ]);
  });

  it('coordinator-crash-before-precommit: the cohorts abort by their own timeout', () => {
    const { result, sim } = scenario('coordinator-crash-before-precommit');
    expect(result.ok).toBe(true);
    expect(outcomes(sim, 1).map(([node, outcome]) => [node, outcome])).toEqual([
      [2, 'abort'],
      [3, 'abort'],
      [4, 'abort'],
    ]);
  });

  it('partition-divergence: the cut-off cohort commits, the others abort — atomicity broken', () => {
    const { result, sim } = scenario('partition-divergence');
    const broken = result.invariants.filter((c) => !c.holds);
    expect(broken.map((c) => c.name)).toEqual([ATOMICITY]);
    expect(broken[0]!.violation).toContain('transaction 1: node 2 made commit durable');
    expect(outcomes(sim, 1)).toEqual([
      [3, 'abort', 410],
      [4, 'abort', 410],
      [2, 'commit', 600],
    ]);
  });
});

describe('txn/3pc under random fault plans', () => {
  it('keeps atomicity and decides everything within its synchronous fault model', () => {
    const report = fuzz(threePc, { runs: 1_000, seed: 30 });
    expect(report.failures).toEqual([]);
  });

  it('outside the model (partitions, loss, crashes) the fuzzer finds a broken atomicity', () => {
    const unbounded: AnyAlgorithm = { ...threePc, faultModel: () => undefined };
    const report = fuzz(unbounded, { runs: 300, seed: 31, options: { noProbability: 0 } });
    expect(report.failures.map((f) => f.check)).toEqual([ATOMICITY]);
  });
});
