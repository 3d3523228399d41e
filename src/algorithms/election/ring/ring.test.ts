import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { ring } from './index.js';

/** Distinct initiators of the ELECTION messages sent in a run. */
function initiators(records: readonly { ev: string; msg?: unknown }[]): number {
  const seen = new Set<number>();
  for (const r of records) {
    const m = r.msg as { type?: string; initiator?: number } | undefined;
    if (r.ev === 'send' && m?.type === 'Election') seen.add(m.initiator ?? 0);
  }
  return seen.size;
}

describe('election/ring', () => {
  // Note 004: ELECTION goes round once and COORDINATOR once — 2n hops per initiator.
  it.each([3, 5, 9])('costs exactly 2n hops per initiator and elects n (n=%i)', (n) => {
    const { result, sim } = simulate(ring, { nodes: n, trace: 'full' });
    expect(result.ok).toBe(true);
    expect(result.metrics.leader).toBe(n);
    const { Election = 0, Coordinator = 0 } = result.messages.byType;
    expect(Election + Coordinator).toBe(2 * n * initiators(sim.trace.records));
  });

  it.each([3, 5, 9])('Chang–Roberts elects n too (n=%i)', (n) => {
    const { result } = simulate(ring, { nodes: n, options: { variant: 'chang-roberts' } });
    expect(result.ok).toBe(true);
    expect(result.metrics.leader).toBe(n);
  });

  it('skips a crashed coordinator and announces the next largest id', () => {
    const { result } = simulate(ring, { faults: 'crash 5 @1000' });
    expect(result.ok).toBe(true);
    expect(result.metrics.leader).toBe(4);
  });

  it('ends with the largest live id leading under random fault plans', () => {
    expect(fuzz(ring, { runs: 1000, seed: 61 }).failures).toEqual([]);
    const cr = { variant: 'chang-roberts' };
    expect(fuzz(ring, { runs: 500, seed: 62, options: cr }).failures).toEqual([]);
  });
});
