import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { twoLayerTokenRing } from './index.js';
import {
  coordinatorOf,
  fullLoadMessagesPerEntry,
  globalSuccessor,
  lanOf,
  layout,
  localSuccessor,
} from './layout.js';

describe('two-layer layout', () => {
  const l = layout(9, 3);

  it.each([
    [3, 3, 2 + 2 / 3],
    [3, 5, 2 + 2 / 5],
    [3, 1, 2],
    [1, 3, 2],
  ])('ideal cost at full load for L=%i, K=%i is %f per entry', (lans, perLan, perEntry) => {
    expect(fullLoadMessagesPerEntry(lans, perLan)).toBeCloseTo(perEntry, 9);
  });

  it('puts consecutive ids in a LAN and makes its first node the coordinator', () => {
    expect([1, 3, 4, 9].map((id) => lanOf(l, id))).toEqual([1, 1, 2, 3]);
    expect([1, 2, 3].map((lan) => coordinatorOf(l, lan))).toEqual([1, 4, 7]);
  });

  it('rings each LAN back to its coordinator and the coordinators round the globe', () => {
    expect([4, 5, 6].map((id) => localSuccessor(l, id))).toEqual([5, 6, 4]);
    expect([1, 4, 7].map((id) => globalSuccessor(l, id))).toEqual([4, 7, 1]);
  });

  it('makes the last LAN smaller when n is not a multiple of K', () => {
    const odd = layout(7, 3);
    expect(odd.lans).toBe(3);
    expect(localSuccessor(odd, 7)).toBe(7);
  });
});

describe('mutex/two-layer-token-ring without faults', () => {
  // A global lap is L global hops and n local hops, 2 messages each: at full load every
  // local hop ends in an entry, so 2 + 2/K per entry (2L/n of it global), plus the lap that
  // opens before anyone asks and the one that finds everyone done.
  it.each([
    [3, 1],
    [1, 3],
    [5, 1],
    [1, 5],
    [3, 3],
    [3, 5],
  ])('costs 2 + 2/K per entry at full load (L=%i, K=%i)', (lans, perLan) => {
    const n = lans * perLan;
    const { result } = simulate(twoLayerTokenRing, { options: { lans, perLan, thinkMs: 1 } });
    const entries = n * 5;
    const ideal = entries * fullLoadMessagesPerEntry(lans, perLan);
    const lap = fullLoadMessagesPerEntry(lans, perLan) * n;
    expect(result.ok).toBe(true);
    expect(result.nodes).toBe(n);
    expect(result.metrics.csEntries).toBe(entries);
    expect(result.messages.sent).toBeGreaterThanOrEqual(ideal);
    expect(result.messages.sent).toBeLessThanOrEqual(ideal + 2 * lap);
    expect(result.metrics.globalMessages).toBe(
      lans === 1 ? 0 : (result.metrics.globalPasses as number) * 2,
    );
  });

  it('keeps most messages inside the LANs', () => {
    const { result } = simulate(twoLayerTokenRing, { options: { lans: 3, perLan: 5, thinkMs: 1 } });
    expect(result.metrics.localMessages as number).toBeGreaterThan(
      4 * (result.metrics.globalMessages as number),
    );
  });

  // At low load laps keep running while nobody asks: a global lap costs 2(L + n) messages
  // (less a layer of one), and there is at least one lap per entry.
  it.each([
    [3, 1],
    [1, 5],
    [3, 3],
  ])(
    'circulates idly at low load: at least one full lap per entry (L=%i, K=%i)',
    (lans, perLan) => {
      const options = { lans, perLan, thinkMs: 2_000, requests: 3 };
      const { result } = simulate(twoLayerTokenRing, { options, durationMs: 20_000 });
      const lap = fullLoadMessagesPerEntry(lans, perLan) * lans * perLan;
      expect(result.ok).toBe(true);
      expect(result.metrics.messagesPerEntry as number).toBeGreaterThanOrEqual(lap);
    },
  );

  it('opens one LAN at a time, each for one lap, in global ring order', () => {
    const options = { lans: 3, perLan: 3, thinkMs: 1 };
    const { sim } = simulate(twoLayerTokenRing, { options, trace: 'full' });
    const enters = sim.outputs.filter((o) => o.output.type === 'enter').map((o) => o.node);
    const lans = enters.map((id) => Math.ceil(id / 3));
    const runs = lans.filter((lan, i) => i === 0 || lan !== lans[i - 1]);
    for (let i = 1; i < runs.length; i++) expect(runs[i]).toBe((runs[i - 1]! % 3) + 1);
  });
});

describe('mutex/two-layer-token-ring scenarios', () => {
  const run = (name: string) => {
    const s = twoLayerTokenRing.scenarios.find((x) => x.name === name)!;
    return simulate(twoLayerTokenRing, { faults: s.faults }).result;
  };

  it('resumes after a coordinator crash-restart (durable tokens)', () => {
    expect(run('coordinator-restarts').ok).toBe(true);
  });

  it('waits out a WAN partition and serves everyone after it heals', () => {
    expect(run('wan-partition-heals').ok).toBe(true);
  });

  it('loses and doubles nothing on a lossy, duplicating network', () => {
    const result = run('lossy-network');
    expect(result.ok).toBe(true);
    expect(result.messages.dropped).toBeGreaterThan(0);
  });

  it('stalls everyone when a member never comes back (not handled)', () => {
    const result = run('member-crash-stalls');
    expect(result.invariants.every((c) => c.holds)).toBe(true);
    expect(result.liveness.every((c) => c.holds)).toBe(false);
  });
});

describe('mutex/two-layer-token-ring under random faults', () => {
  it('keeps mutual exclusion and one token per layer, and serves everyone after heal', () => {
    expect(fuzz(twoLayerTokenRing, { runs: 1000, seed: 21 }).failures).toEqual([]);
  });

  it.each([
    [2, 4],
    [4, 2],
  ])('holds for other shapes too (L=%i, K=%i)', (lans, perLan) => {
    const report = fuzz(twoLayerTokenRing, { runs: 300, seed: 22, options: { lans, perLan } });
    expect(report.failures).toEqual([]);
  });
});
