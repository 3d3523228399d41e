import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { ancestorAt, tipOf } from './block-tree.js';
import { pow } from './index.js';
import type { PowState } from './state.js';

function run(options: Record<string, unknown>, more: { nodes?: number; faults?: string } = {}) {
  return simulate(pow, { options: options as never, trace: 'full', ...more });
}

/** The miners of node `id`'s best chain, from the coinbase transactions. */
function chainMiners(state: PowState): number[] {
  const tip = tipOf(state.tree);
  const miners: number[] = [];
  for (let h = 1; h <= tip.height; h++) {
    const coinbase = ancestorAt(state.tree, tip, h).txs[0] ?? '';
    miners.push(Number(/miner=(\d+)/.exec(coinbase)?.[1]));
  }
  return miners;
}

describe('chain/pow', () => {
  // Flooding: the miner sends n−1 copies, every other node forwards once to n−2 peers.
  it.each([4, 7, 10])('floods (n−1)² Block messages per mined block (n=%i)', (n) => {
    const { result } = run({}, { nodes: n });
    expect(result.ok).toBe(true);
    const mined = result.metrics.mined as number;
    expect(mined).toBeGreaterThan(10);
    expect(result.messages.byType).toEqual({ Block: (n - 1) ** 2 * mined });
    expect(result.messageCount).toMatchObject({ expected: (n - 1) ** 2 * mined });
  });

  it('retargets: twice the hash power ends with a harder target', () => {
    const slow = run({}).result;
    const fast = run({ hashrates: [2, 2, 2, 2, 2] }).result;
    const target = (r: typeof slow) => Number.parseInt(String(r.metrics.tipBits), 16);
    expect(target(slow)).not.toBe(0x2007ffff);
    // Same exponent byte (0x20): a smaller mantissa is a smaller (harder) target.
    expect(target(fast) >>> 24).toBe(0x20);
    expect(target(fast)).toBeLessThan(target(slow));
  });

  it("51 % attack: honest nodes reorganise onto the attacker's released private chain", () => {
    const options = { hashrates: [1, 1, 1, 1, 5], attacker: 5, releaseMs: 2_000 };
    const { result, sim } = run(options);
    expect(result.ok).toBe(true); // Following the most work is the rule, not a bug…
    expect(result.metrics.maxReorgDepth).toBeGreaterThanOrEqual(3); // …but confirmations die.
    const reorgs = sim.outputs.filter((o) => o.output.type === 'reorg' && o.node !== 5);
    expect(reorgs.length).toBeGreaterThanOrEqual(4);
    for (const node of sim.nodes.slice(0, 4)) {
      const miners = chainMiners(node.state as PowState);
      // The attacker's blocks replaced the honest ones from the fork point on.
      expect(miners.slice(0, 10).every((m) => m === 5)).toBe(true);
    }
  });

  it('an attacker with a minority of the hash power reverts nothing', () => {
    const options = { hashrates: [2, 2, 2, 2, 1], attacker: 5, releaseMs: 2_000 };
    const { result } = run(options);
    expect(result.ok).toBe(true);
    expect(result.metrics.maxReorgDepth).toBeLessThan(2);
  });

  it('rejects every forged block (too-easy target, or no work)', () => {
    const { result, sim } = run({ forgers: [3] });
    expect(result.ok).toBe(true);
    const notes = sim.trace.records.flatMap((r) => (r.ev === 'note' ? [r.text] : []));
    expect(notes.some((t) => /bits 207fffff, required/.test(t))).toBe(true);
    expect(notes.some((t) => /proof of work above target/.test(t))).toBe(true);
    const miners = sim.nodes.map((n) => chainMiners(n.state as PowState));
    expect(miners.flat().includes(3)).toBe(false);
  });

  it('repairs a partition: the side with more work wins and the rest fetch its blocks', () => {
    const { result } = run({}, { faults: 'partition 1,2|3,4,5 @300..2000' });
    expect(result.ok).toBe(true);
    expect(result.metrics.forks).toBeGreaterThan(0);
    expect(result.messages.byType.GetBlock).toBeGreaterThan(0);
  });

  it('accepts only valid blocks and converges under random fault plans', () => {
    expect(fuzz(pow, { runs: 1000, seed: 17 }).failures).toEqual([]);
  });
});
