import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { maekawa } from './index.js';
import { gridQuorum } from './quorum.js';

describe('mutex/maekawa', () => {
  it.each(Array.from({ length: 64 }, (_, i) => i + 1))(
    'any two grid quorums intersect and hold their owner (n=%i)',
    (n) => {
      const width = Math.ceil(Math.sqrt(n));
      for (let a = 1; a <= n; a++) {
        const qa = gridQuorum(a, n);
        expect(qa).toContain(a);
        expect(qa.length).toBeLessThanOrEqual(2 * width - 1);
        for (let b = a + 1; b <= n; b++)
          expect(
            gridQuorum(b, n).some((x) => qa.includes(x)),
            `${a} and ${b}`,
          ).toBe(true);
      }
    },
  );

  // Maekawa 1985: 3(K−1) messages per entry without contention, up to 6(K−1) with it.
  it.each([3, 4, 5, 9, 16])('stays within 3(K−1)…6(K−1) per entry without faults (n=%i)', (n) => {
    for (const thinkMs of [1, 300]) {
      const { result } = simulate(maekawa, { nodes: n, options: { thinkMs }, durationMs: 20_000 });
      expect(result.ok).toBe(true);
      expect(result.metrics.csEntries).toBe(5 * n);
      const { expected, measured } = result.messageCount!;
      expect(measured).toBeGreaterThanOrEqual(expected);
      expect(measured).toBeLessThanOrEqual(2 * expected);
    }
  });

  it('uses INQUIRE and RELINQUISH under contention and still serves everyone', () => {
    const { result } = simulate(maekawa, { nodes: 9, options: { thinkMs: 300 } });
    expect(result.ok).toBe(true);
    expect(result.metrics.inquires).toBeGreaterThan(0);
    expect(result.metrics.relinquishes).toBeGreaterThan(0);
  });

  it('keeps mutual exclusion and serves everyone after heal under random fault plans', () => {
    expect(fuzz(maekawa, { runs: 1000, seed: 31 }).failures).toEqual([]);
  });
});
