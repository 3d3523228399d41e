// txn/2pc: the 4N message count, the two durable writes (a prepared cohort and a logged
// decision survive crashes), each named weakness of the notes as its scenario shows it, and
// random fault plans (the issue's `cohort fuzz txn/2pc --seeds 1000`).

import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../../../core/algorithm.js';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import type { TxnOutput } from '../shared/outputs.js';
import { twoPc } from './index.js';
import type { TwoPcState } from './state.js';

const scenario = (name: string) => {
  const s = twoPc.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(twoPc, {
    faults: s.faults,
    trace: 'full',
    ...(s.options && { options: s.options }),
  });
};

const outputs = (sim: { outputs: readonly OutputRecord[] }) =>
  sim.outputs as readonly OutputRecord<TxnOutput>[];

/** When each node applied its outcome to transaction `txn`. */
const appliedAt = (sim: { outputs: readonly OutputRecord[] }, txn: number) =>
  new Map(
    outputs(sim)
      .filter((o) => o.output.type === 'outcome' && o.output.txn === txn)
      .map((o) => [o.node, { atMs: o.atMs, outcome: (o.output as { outcome: string }).outcome }]),
  );

describe('txn/2pc without faults', () => {
  it.each([2, 4, 7])('costs exactly 4N messages per transaction (n=%i)', (n) => {
    for (const noProbability of [0, 30, 100]) {
      const { result } = simulate(twoPc, { nodes: n, seed: n, options: { noProbability } });
      expect(result.ok).toBe(true);
      expect(result.metrics.transactions).toBe(5);
      expect(result.messages.sent).toBe(4 * (n - 1) * 5);
      expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
      if (noProbability === 0) expect(result.metrics.committed).toBe(5);
      if (noProbability === 100) expect(result.metrics.aborted).toBe(5);
    }
  });

  it('decides in 2 message delays and finishes in 3 (10 ms each)', () => {
    const { result } = simulate(twoPc, { faults: 'delay 10..10', options: { noProbability: 0 } });
    expect(result.metrics.decideLatencyMeanMs).toBe(20);
    expect(result.metrics.completeLatencyMeanMs).toBe(30);
    expect(result.metrics.lockHeldMaxMs).toBe(20);
  });
});

describe('txn/2pc durability', () => {
  it('a cohort that crashes right after its Yes is still prepared on restart, and commits', () => {
    const { result, sim } = simulate(twoPc, {
      faults: 'delay 10..10; crash 2 @211; restart 2 @500',
      options: { noProbability: 0 },
      trace: 'full',
    });
    expect(result.ok).toBe(true);
    const applied = appliedAt(sim, 1);
    expect(applied.get(3)?.outcome).toBe('commit');
    expect(applied.get(2)?.outcome).toBe('commit');
    expect(applied.get(2)!.atMs).toBeGreaterThan(500);
    // Its locks were held across the crash, from its Yes (210 ms) to the commit.
    expect(result.metrics.lockHeldMaxMs).toBe(applied.get(2)!.atMs - 210);
  });

  it('blocking-in-phase-2: the decision logged before the lost DoCommits survives the crash', () => {
    const { result, sim } = scenario('blocking-in-phase-2');
    expect(result.ok).toBe(true);
    const applied = appliedAt(sim, 1);
    for (const cohort of [2, 3, 4]) {
      expect(applied.get(cohort)?.outcome).toBe('commit');
      expect(applied.get(cohort)!.atMs).toBeGreaterThanOrEqual(2_225);
    }
    // Locks held while the coordinator was down: from the Yes at 210 to ≥ 2235.
    expect(result.metrics.lockHeldMaxMs).toBeGreaterThanOrEqual(2_025);
    expect((sim.nodes[0]!.state as TwoPcState).log[1]).toEqual({ outcome: 'commit', done: true });
  });
});

describe('txn/2pc scenarios (the notes’ weaknesses)', () => {
  it('coordinator-spof: nothing begins while it is down, and it presumes abort on return', () => {
    const { result, sim } = scenario('coordinator-spof');
    expect(result.ok).toBe(true);
    const begins = outputs(sim).filter((o) => o.output.type === 'begin');
    expect(begins.filter((o) => o.atMs > 215 && o.atMs < 2_215)).toEqual([]);
    const decide = outputs(sim).find((o) => o.output.type === 'decide' && o.output.txn === 1)!;
    expect(decide.output).toEqual({ type: 'decide', txn: 1, outcome: 'abort' });
    expect(decide.atMs).toBe(2_215);
    expect(result.metrics.lockHeldMaxMs).toBeGreaterThanOrEqual(2_000);
  });

  it('coordinator-never-returns: the cohorts block forever, atomicity intact', () => {
    const { result, sim } = scenario('coordinator-never-returns');
    expect(result.invariants.every((c) => c.holds)).toBe(true);
    expect(result.liveness.every((c) => c.holds)).toBe(false);
    for (const node of sim.nodes.slice(1)) expect((node.state as TwoPcState).prepared).toEqual([1]);
    // Each asks every inDoubtMs (200 ms) for the rest of the run.
    expect(result.messages.byType.DecisionRequest).toBeGreaterThan(3 * 15);
  });

  it('one-no-aborts-all: one cohort’s No aborts every transaction', () => {
    const { result } = scenario('one-no-aborts-all');
    expect(result.ok).toBe(true);
    expect(result.metrics.committed).toBe(0);
    expect(result.metrics.aborted).toBe(5);
  });

  it('partial-docommit: one cohort commits, two wait until recovery finishes the commit', () => {
    const { result, sim } = scenario('partial-docommit');
    expect(result.ok).toBe(true);
    const applied = appliedAt(sim, 1);
    expect(applied.get(2)).toEqual({ atMs: 230, outcome: 'commit' });
    for (const cohort of [3, 4]) {
      expect(applied.get(cohort)?.outcome).toBe('commit');
      expect(applied.get(cohort)!.atMs).toBe(1_010);
    }
  });

  it('cooperative termination ends the doubt when one cohort has not voted, not otherwise', () => {
    const coop = scenario('cooperative-termination');
    expect(coop.result.ok).toBe(true);
    const applied = appliedAt(coop.sim, 1);
    for (const cohort of [2, 3, 4]) expect(applied.get(cohort)?.outcome).toBe('abort');
    expect(Math.max(...[...applied.values()].map((a) => a.atMs))).toBeLessThan(1_000);
    expect(coop.result.metrics.lockHeldMaxMs).toBeLessThan(500);
    const stuck = scenario('cooperative-all-in-doubt');
    expect(stuck.result.ok).toBe(true);
    expect(stuck.result.metrics.lockHeldMaxMs).toBeGreaterThanOrEqual(2_025);
  });
});

describe('txn/2pc under random fault plans', () => {
  it('keeps atomicity and decides everything once faults heal (1000 seeds)', () => {
    const report = fuzz(twoPc, { runs: 1_000, seed: 18 });
    expect(report.failures).toEqual([]);
  });

  it('the same with cooperative termination, 6 nodes and frequent No votes', () => {
    const options = { cooperativeTermination: true, noProbability: 40 };
    const report = fuzz(twoPc, { runs: 500, seed: 19, nodes: 6, options });
    expect(report.failures).toEqual([]);
  });
});
