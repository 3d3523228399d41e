// txn/transactional-message: the message count, each failure case of the notes as its
// scenario shows it (with its timeline), the durable writes (a broker restarted between
// consumers, a consumer restarted after applying), the naive flows caught by the checks,
// and random fault plans — the issue's `cohort fuzz txn/transactional-message` — which
// reach check-backs and redeliveries, and find each naive flow's flaw by themselves.

import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../../../core/algorithm.js';
import { fuzz, randomFaultPlan } from '../../../sim/fuzz.js';
import { resolveOptions, simulate } from '../../../sim/run.js';
import { transactionalMessage as spec } from './index.js';
import {
  CONSUMED_ONCE,
  EVERY_COMMIT_CONSUMED,
  EVERY_HALF_RESOLVED,
  ONLY_COMMITTED_CONSUMED,
  RESOLUTION_MATCHES,
} from './invariants.js';
import type { TxMsgOutput } from './outputs.js';
import type { TxMsgState } from './state.js';

const scenario = (name: string) => {
  const s = spec.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(spec, {
    faults: s.faults,
    trace: 'full',
    ...(s.options && { options: s.options }),
  });
};

/** The outputs about order `txn`, as [ms, node, type, detail]. */
const timeline = (sim: { outputs: readonly OutputRecord[] }, txn: number) =>
  (sim.outputs as readonly OutputRecord<TxMsgOutput>[])
    .filter((o) => o.output.txn === txn)
    .map((o) => {
      const { type } = o.output;
      const detail = 'outcome' in o.output ? o.output.outcome : undefined;
      return detail === undefined ? [o.atMs, o.node, type] : [o.atMs, o.node, type, detail];
    });

const broken = (result: { invariants: readonly { name: string; holds: boolean }[] }) =>
  result.invariants.filter((c) => !c.holds).map((c) => c.name);

const stateOf = (sim: { nodes: readonly { state: unknown }[] }, id: number) =>
  sim.nodes[id - 1]!.state as TxMsgState;

describe('txn/transactional-message without faults', () => {
  it.each([3, 4, 6])('costs 3 per order + 2 per consumer per committed order (n=%i)', (n) => {
    for (const failProbability of [0, 30, 100]) {
      const { result } = simulate(spec, { nodes: n, seed: n, options: { failProbability } });
      expect(result.ok).toBe(true);
      const { committed, aborted } = result.metrics as { committed: number; aborted: number };
      expect(committed + aborted).toBe(5);
      expect(result.messages.sent).toBe(3 * 5 + 2 * (n - 2) * committed);
      expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
      expect(result.metrics.checkBacks).toBe(0);
    }
  });

  it('commits locally 2 delays + the local transaction after the order, consumed 2 later each', () => {
    const { result } = simulate(spec, { faults: 'delay 10..10', options: { failProbability: 0 } });
    expect(result.metrics.decideLatencyMeanMs).toBe(40); // Half, HalfAck, 20 ms local.
    expect(result.metrics.completeLatencyMeanMs).toBe(50); // + Commit.
    expect(result.metrics.endToEndLatencyMeanMs).toBe(80); // + (Deliver, Ack) × 2 − 1 delay.
    expect(result.metrics.halfPendingMaxMs).toBe(40);
  });
});

describe('txn/transactional-message: the notes’ failure cases', () => {
  it('half-not-stored: order 1 is given up and never delivered; order 2 is resent and goes', () => {
    const { result, sim } = scenario('half-not-stored');
    expect(result.ok).toBe(true);
    expect(timeline(sim, 1)).toEqual([
      [200, 1, 'begin'],
      [500, 1, 'decide', 'abort'],
    ]);
    expect(timeline(sim, 2).slice(0, 3)).toEqual([
      [400, 1, 'begin'],
      [610, 2, 'half'],
      [640, 1, 'decide', 'commit'],
    ]);
  });

  it('half-ack-lost: the order is given up and the check-back rolls its half back', () => {
    const { result, sim } = scenario('half-ack-lost');
    expect(result.ok).toBe(true);
    expect(timeline(sim, 1)).toEqual([
      [200, 1, 'begin'],
      [210, 2, 'half'],
      [500, 1, 'decide', 'abort'],
      [600, 2, 'check'],
      [620, 2, 'outcome', 'abort'],
    ]);
  });

  it('local-transaction-fails: every half rolled back, nothing delivered', () => {
    const { result } = scenario('local-transaction-fails');
    expect(result.ok).toBe(true);
    expect(result.metrics.aborted).toBe(5);
    expect(result.messages.byType.Deliver).toBeUndefined();
    expect(result.messages.byType.Rollback).toBe(5);
  });

  it('report-lost: the check-back commits what the lost report would have', () => {
    const { result, sim } = scenario('report-lost');
    expect(result.ok).toBe(true);
    expect(timeline(sim, 1)).toEqual([
      [200, 1, 'begin'],
      [210, 2, 'half'],
      [240, 1, 'decide', 'commit'],
      [600, 2, 'check'],
      [620, 2, 'outcome', 'commit'],
      [630, 3, 'consume'],
      [650, 4, 'consume'],
    ]);
  });

  it('producer-crash-before-report: the restarted order service answers the third check-back', () => {
    const { result, sim } = scenario('producer-crash-before-report');
    expect(result.ok).toBe(true);
    expect(timeline(sim, 1).filter(([, , type]) => type !== 'consume')).toEqual([
      [200, 1, 'begin'],
      [210, 2, 'half'],
      [240, 1, 'decide', 'commit'],
      [600, 2, 'check'],
      [900, 2, 'check'],
      [1_200, 2, 'check'],
      [1_220, 2, 'outcome', 'commit'],
    ]);
    expect(result.metrics.committed).toBe(5);
  });

  it('check-back-while-running: "unknown" while the local transaction runs, then the report', () => {
    const { result, sim } = scenario('check-back-while-running');
    expect(result.ok).toBe(true);
    expect(result.messages.byType.CheckBackReply).toBe(1);
    const replies = sim.trace.records.flatMap((r) =>
      r.ev === 'send' && r.msg.type === 'CheckBackReply' ? [r.msg] : [],
    );
    expect(replies).toEqual([{ type: 'CheckBackReply', txn: 1, state: 'unknown' }]);
    expect(timeline(sim, 1).slice(2, 5)).toEqual([
      [600, 2, 'check'],
      [620, 1, 'decide', 'commit'],
      [630, 2, 'outcome', 'commit'],
    ]);
  });

  it.each([
    ['consumer-ack-lost', 510],
    ['consumer-crash-before-ack', 910],
  ])('%s: redelivered, skipped by the dedup set, then inventory', (name, againAtMs) => {
    const { result, sim } = scenario(name);
    expect(result.ok).toBe(true);
    expect(timeline(sim, 1).slice(4)).toEqual([
      [260, 3, 'consume'],
      [againAtMs, 3, 'duplicate'],
      [againAtMs + 20, 4, 'consume'],
    ]);
    expect(stateOf(sim, 3).consumed).toEqual([1]);
  });

  it('broker-restart-with-half-pending: the durable half is checked back after the restart', () => {
    const { result, sim } = scenario('broker-restart-with-half-pending');
    expect(result.ok).toBe(true);
    expect(timeline(sim, 1).slice(3, 5)).toEqual([
      [900, 2, 'check'],
      [920, 2, 'outcome', 'commit'],
    ]);
    expect(result.metrics.committed).toBe(5);
  });
});

describe('txn/transactional-message durability', () => {
  it('a broker restarted between payment and inventory delivers again; payment skips it', () => {
    const { result, sim } = simulate(spec, {
      faults: 'delay 10..10; crash 2 @265; restart 2 @600',
      options: { failProbability: 0, transactions: 1 },
      trace: 'full',
    });
    expect(result.ok).toBe(true);
    // Payment's ack (sent at 260) reached a dead broker: after the restart payment gets the
    // order again from the durable chain position, skips it, and inventory gets it.
    expect(timeline(sim, 1).slice(4)).toEqual([
      [260, 3, 'consume'],
      [610, 3, 'duplicate'],
      [630, 4, 'consume'],
    ]);
  });
});

describe('txn/transactional-message: the bound and the naive flows', () => {
  it('check-back-exhausted: the broker rolls back an order that committed locally', () => {
    const { result, sim } = scenario('check-back-exhausted');
    expect(broken(result)).toEqual([RESOLUTION_MATCHES]);
    expect(timeline(sim, 1).slice(2)).toEqual([
      [240, 1, 'decide', 'commit'],
      [600, 2, 'check'],
      [900, 2, 'check'],
      [1_200, 2, 'outcome', 'abort'],
    ]);
  });

  it('naive-no-check-back: the half waits forever, the committed order is never consumed', () => {
    const { result, sim } = scenario('naive-no-check-back');
    expect(broken(result)).toEqual([]);
    const failed = result.liveness.filter((c) => !c.holds).map((c) => c.name);
    expect(failed).toEqual([EVERY_HALF_RESOLVED, EVERY_COMMIT_CONSUMED]);
    expect(stateOf(sim, 2).halves).toEqual({ 1: { checks: 0 } });
  });

  it('naive-no-dedup: payment applies the redelivered order again', () => {
    const { result } = scenario('naive-no-dedup');
    expect(broken(result)).toEqual([CONSUMED_ONCE]);
    expect(result.invariants.find((c) => !c.holds)?.violation).toContain(
      'payment (node 3) applied order 1 again',
    );
  });

  it('naive-no-half-message: payment acts before the local transaction, which rolls back', () => {
    const { result } = scenario('naive-no-half-message');
    expect(broken(result)).toEqual([ONLY_COMMITTED_CONSUMED]);
    expect(result.invariants.find((c) => !c.holds)?.violation).toContain(
      'payment (node 3) acted on order 1, not (yet) committed',
    );
  });
});

describe('txn/transactional-message under random fault plans', () => {
  it('keeps every check and consumes every committed order once faults heal (1000 seeds)', () => {
    const report = fuzz(spec, { runs: 1_000, seed: 18 });
    expect(report.failures).toEqual([]);
  });

  it('the same with 6 nodes, frequent rollbacks and instant local transactions', () => {
    const options = { failProbability: 50, localTxnMs: 0 };
    const report = fuzz(spec, { runs: 300, seed: 19, nodes: 6, options });
    expect(report.failures).toEqual([]);
  });

  it('the plans reach the failure cases: check-backs, redeliveries skipped, orders given up', () => {
    const totals = { checkBacks: 0, duplicatesSkipped: 0, givenUp: 0 };
    const model = spec.faultModel?.(resolveOptions(spec));
    for (let seed = 1; seed <= 200; seed++) {
      const faults = randomFaultPlan(seed, 4, 1_800, model);
      const { result, sim } = simulate(spec, { seed, faults, trace: 'off' });
      expect(result.ok).toBe(true);
      totals.checkBacks += result.metrics.checkBacks as number;
      totals.duplicatesSkipped += result.metrics.duplicatesSkipped as number;
      // Given up: rolled back by the order service without a half the broker resolved.
      const broker = stateOf(sim, 2);
      for (const [txn, outcome] of Object.entries(stateOf(sim, 1).outcomes))
        if (outcome === 'abort' && broker.outcomes[Number(txn)] === undefined) totals.givenUp++;
    }
    expect(totals.checkBacks).toBeGreaterThan(50);
    expect(totals.duplicatesSkipped).toBeGreaterThan(50);
    expect(totals.givenUp).toBeGreaterThan(5);
  });

  it.each([
    [{ dedup: false }, CONSUMED_ONCE],
    [{ halfMessages: false }, ONLY_COMMITTED_CONSUMED],
    [{ checkBack: false }, EVERY_HALF_RESOLVED],
  ])('finds the naive flow’s flaw by itself (%o)', (options, check) => {
    const report = fuzz(spec, { runs: 300, seed: 20, options });
    expect(report.failures.map((f) => f.check)).toEqual([check]);
  });
});
