import { describe, expect, it } from 'vitest';
import { nodeIds } from '../../../core/process.js';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { dpos, electorateOf } from './index.js';
import { activeDelegates, roundOrder, tally } from './schedule.js';

function run(nodes: number, options: Record<string, unknown> = {}, faults = '') {
  return simulate(dpos, { nodes, faults, options: options as never });
}

describe('chain/dpos', () => {
  it('elects the delegates by stake-weighted approval and shuffles each round the same way', () => {
    const e = electorateOf(nodeIds(7), { delegates: 5, slotMs: 50, malicious: [], rounds: 1 });
    expect(tally(e, new Set()).get(1)).toBe(70 + 60 + 50 + 40 + 30 + 20 + 10);
    expect(activeDelegates(e, new Set())).toEqual([1, 2, 3, 4, 5]);
    expect(activeDelegates(e, new Set([3]))).toEqual([1, 2, 4, 5, 6]); // Voted out: 6 is next.
    const order = roundOrder([1, 2, 3, 4, 5], 'abc');
    expect([...order].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(roundOrder([1, 2, 3, 4, 5], 'abc')).toEqual(order);
  });

  // Flooding: the producer sends n−1 copies, every other node forwards once to n−2 peers.
  it.each([4, 7, 10])('floods (n−1)² Block messages per produced block (n=%i)', (n) => {
    const { result } = run(n);
    expect(result.ok).toBe(true);
    const produced = result.metrics.blocks as number;
    expect(produced).toBeGreaterThan(40);
    expect(result.messages.byType).toEqual({ Block: (n - 1) ** 2 * produced });
    expect(result.metrics.missedSlots).toBe(0);
  });

  it('skips the slots of a crashed delegate and still finalises blocks', () => {
    const { result } = run(7, {}, 'crash 2 @200');
    expect(result.ok).toBe(true);
    expect(result.metrics.missedSlots).toBeGreaterThan(5);
    expect(result.metrics.irreversible).toBeGreaterThan(30);
  });

  it('turns a double-producing delegate into evidence and votes it out', () => {
    const { result } = run(7, { malicious: [3] });
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ votedOut: '3', delegates: '1,2,4,5,6' });
  });

  it('keeps honest nodes on one irreversible prefix under its fault model', () => {
    expect(fuzz(dpos, { runs: 100, seed: 41 }).failures).toEqual([]);
    const options = { malicious: [3] };
    expect(fuzz(dpos, { runs: 100, seed: 42, options }).failures).toEqual([]);
  });
});
