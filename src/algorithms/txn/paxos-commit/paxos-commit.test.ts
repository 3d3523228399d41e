// txn/paxos-commit: the N(4F+5) message count and its latency (one delay more than 2PC to
// decide), F = 0 costing what 2PC costs, non-blocking with the TM and F acceptors down,
// blocked with F+1, a free instance aborted by a new leader, a restarted TM relearning from
// the acceptors, and random fault plans (the fuzz campaign).

import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../../../core/algorithm.js';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { twoPc } from '../2pc/index.js';
import type { TxnOutput } from '../shared/outputs.js';
import { paxosCommit } from './index.js';
import type { PaxosCommitState } from './state.js';

const scenario = (name: string) => {
  const s = paxosCommit.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(paxosCommit, {
    faults: s.faults,
    trace: 'full',
    ...(s.options && { options: s.options }),
  });
};

const outcomes = (sim: { outputs: readonly OutputRecord[] }, txn: number) =>
  (sim.outputs as readonly OutputRecord<TxnOutput>[])
    .filter((o) => o.output.type === 'outcome' && o.output.txn === txn)
    .map((o) => [o.node, (o.output as { outcome: string }).outcome]);

describe('txn/paxos-commit without faults', () => {
  it.each([
    [1, 0],
    [3, 1],
    [4, 2],
  ])('costs N(4F+5) messages per transaction (N=%i, F=%i)', (rms, f) => {
    for (const noProbability of [0, 30, 100]) {
      const options = { rms, f, noProbability };
      const { result } = simulate(paxosCommit, { seed: rms + f, options });
      expect(result.nodes).toBe(1 + rms + 2 * f + 1);
      expect(result.ok).toBe(true);
      expect(result.messages.sent).toBe(rms * (4 * f + 5) * 5);
      expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
    }
  });

  it('decides in 3 message delays and finishes in 4 — one more than 2PC', () => {
    const run = (spec: typeof paxosCommit) =>
      simulate(spec, { faults: 'delay 10..10', options: { noProbability: 0 } }).result.metrics;
    const paxos = run(paxosCommit);
    const classic = run(twoPc);
    expect([paxos.decideLatencyMeanMs, paxos.completeLatencyMeanMs]).toEqual([30, 40]);
    expect([classic.decideLatencyMeanMs, classic.completeLatencyMeanMs]).toEqual([20, 30]);
  });

  it('with F = 0 sends 5N messages: 2PC’s 4N plus the hop to the lone acceptor', () => {
    const { result } = simulate(paxosCommit, { options: { f: 0, noProbability: 0 } });
    expect(result.messages.sent).toBe(5 * 3 * 5);
  });
});

describe('txn/paxos-commit scenarios', () => {
  it('tm-and-f-acceptors-crash: the RMs lead themselves and commit without the TM', () => {
    const { result, sim } = scenario('tm-and-f-acceptors-crash');
    expect(result.ok).toBe(true);
    expect(outcomes(sim, 1).sort()).toEqual([
      [2, 'commit'],
      [3, 'commit'],
      [4, 'commit'],
    ]);
    expect(result.messages.byType.Phase1a).toBeGreaterThan(0);
  });

  it('more-than-f-acceptors-crash: no quorum, the RMs stay prepared', () => {
    const { result, sim } = scenario('more-than-f-acceptors-crash');
    expect(result.invariants.every((c) => c.holds)).toBe(true);
    expect(result.liveness.every((c) => c.holds)).toBe(false);
    for (const id of [2, 3, 4])
      expect((sim.nodes[id - 1]!.state as PaxosCommitState).prepared).toEqual([1]);
  });

  it('rm-never-votes: the TM proposes Aborted for the free instance; RM 3 learns on return', () => {
    const { result, sim } = scenario('rm-never-votes');
    expect(result.ok).toBe(true);
    expect(outcomes(sim, 1).sort()).toEqual([
      [2, 'abort'],
      [3, 'abort'],
      [4, 'abort'],
    ]);
    const rm3 = sim.outputs.find((o) => o.node === 3 && o.output.type === 'outcome');
    expect(rm3!.atMs).toBeGreaterThanOrEqual(1_500);
  });

  it('tm-restart: the restarted TM relearns every outcome from the acceptors', () => {
    const { result } = scenario('tm-restart');
    expect(result.ok).toBe(true);
    expect(result.metrics.committed).toBe(5);
    expect(result.messages.byType.Phase1a).toBeGreaterThan(0);
  });
});

describe('txn/paxos-commit under random fault plans', () => {
  it('keeps atomicity and decides everything once faults heal (1000 seeds)', () => {
    const report = fuzz(paxosCommit, { runs: 1_000, seed: 40 });
    expect(report.failures).toEqual([]);
  });

  it('the same with F = 2, N = 4 and frequent Aborted votes', () => {
    const options = { f: 2, rms: 4, noProbability: 30 };
    const report = fuzz(paxosCommit, { runs: 300, seed: 41, options });
    expect(report.failures).toEqual([]);
  });
});
