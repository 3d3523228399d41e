import { describe, expect, it } from 'vitest';
import { nodeIds } from '../../../core/process.js';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { eligible, kernel } from './chain.js';
import { pos, posParams } from './index.js';

function run(nodes: number, options: Record<string, unknown> = {}, faults = '') {
  return simulate(pos, { nodes, faults, options: options as never });
}

describe('chain/pos', () => {
  it('lets a kernel pass only below stake × coin age × target', () => {
    const p = posParams(nodeIds(5), { stakes: [], slotMs: 50, slots: 50 });
    expect(p.stakes.get(5)).toBe(50);
    const k = kernel('prev', 3, 7);
    expect(k).toBe(kernel('prev', 3, 7)); // Deterministic: anyone can re-check it.
    const needed = Math.floor(k / p.targetPerCoinSlot) + 1; // Coin age that just passes.
    expect(eligible(p, 'prev', 3, 7, needed)).toBe(true);
    expect(eligible(p, 'prev', 3, 7, needed - 1)).toBe(k < p.targetPerCoinSlot * (needed - 1));
    expect(eligible(p, 'prev', 3, 7, 0)).toBe(false); // No coin age, no block.
  });

  // Flooding: the minter sends n−1 copies, every other node forwards once to n−2 peers.
  it.each([4, 7, 10])('floods (n−1)² Block messages per minted block (n=%i)', (n) => {
    const { result } = run(n);
    expect(result.ok).toBe(true);
    const minted = result.metrics.minted as number;
    expect(minted).toBeGreaterThan(15);
    expect(result.messages.byType).toEqual({ Block: (n - 1) ** 2 * minted });
  });

  it('gives the rich node the most blocks (stake × coin age)', () => {
    const { result } = run(5, { stakes: [10, 10, 10, 10, 60] });
    expect(result.ok).toBe(true);
    const byNode = String(result.metrics.blocksByNode).split(',').map(Number);
    expect(Math.max(...byNode)).toBe(byNode[4]);
    expect(byNode.slice(0, 4).every((b) => b > 0)).toBe(true); // Coin age lets the small ones in.
  });

  it('keeps only valid blocks and converges under random fault plans', () => {
    expect(fuzz(pos, { runs: 300, seed: 51 }).failures).toEqual([]);
  });
});
