// Smooth weighted round robin against nginx: the published sequence for weights 5,1,1, other
// weight sets traced by hand, the exact share of every cycle over random weight sets, and
// nginx's effective-weight rules on failure and recovery.

import { describe, expect, it } from 'vitest';
import { Prng } from '../../core/prng.js';
import { ManualClock } from '../clock.js';
import { SmoothWeightedRoundRobin } from './smooth-weighted.js';

function sequence(weights: Record<string, number>, picks: number): string {
  const peers = Object.entries(weights).map(([id, weight]) => ({ id, weight }));
  const lb = new SmoothWeightedRoundRobin(peers, new ManualClock());
  return Array.from({ length: picks }, () => lb.pick()).join(' ');
}

describe('smooth weighted round robin', () => {
  it("gives nginx's published sequence for a=5, b=1, c=1", () => {
    // nginx's algorithm by hand (current weights a,b,c; total 7; first maximum wins ties):
    //   +w → ( 5, 1, 1) pick a, a−7 → (−2, 1, 1)
    //   +w → ( 3, 2, 2) pick a      → (−4, 2, 2)
    //   +w → ( 1, 3, 3) pick b      → ( 1,−4, 3)
    //   +w → ( 6,−3, 4) pick a      → (−1,−3, 4)
    //   +w → ( 4,−2, 5) pick c      → ( 4,−2,−2)
    //   +w → ( 9,−1,−1) pick a      → ( 2,−1,−1)
    //   +w → ( 7, 0, 0) pick a      → ( 0, 0, 0)  back to the start: the cycle repeats.
    const cycle = 'a a b a c a a';
    expect(sequence({ a: 5, b: 1, c: 1 }, 21)).toBe([cycle, cycle, cycle].join(' '));
  });

  it('gives the hand-traced sequences for other weights', () => {
    // a=4,b=2,c=1: (4,2,1)→a (−3,2,1); (1,4,2)→b (1,−3,2); (5,−1,3)→a (−2,−1,3);
    // (2,1,4)→c (2,1,−3); (6,3,−2)→a (−1,3,−2); (3,5,−1)→b (3,−2,−1); (7,0,0)→a (0,0,0).
    expect(sequence({ a: 4, b: 2, c: 1 }, 14)).toBe('a b a c a b a a b a c a b a');
    // a=2,b=1: (2,1)→a (−1,1); (1,2)→b (1,−1); (3,0)→a (0,0).
    expect(sequence({ a: 2, b: 1 }, 6)).toBe('a b a a b a');
    // Equal weights: plain rotation in table order (ties go to the first).
    expect(sequence({ a: 1, b: 1, c: 1 }, 6)).toBe('a b c a b c');
    expect(sequence({ x: 3 }, 3)).toBe('x x x');
  });

  it('gives every peer exactly its weight in each cycle of sum(weights) picks', () => {
    const prng = new Prng(21, 'swrr-weights');
    for (let trial = 0; trial < 200; trial++) {
      const n = prng.range(1, 8);
      const peers = Array.from({ length: n }, (_, i) => ({
        id: `p${i}`,
        weight: prng.range(1, 20),
      }));
      const total = peers.reduce((s, p) => s + p.weight, 0);
      const lb = new SmoothWeightedRoundRobin(peers, new ManualClock());
      for (let cycle = 0; cycle < 3; cycle++) {
        const counts = new Map<string, number>();
        for (let k = 0; k < total; k++) {
          const id = lb.pick() as string;
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        for (const p of peers) expect(counts.get(p.id), `${JSON.stringify(peers)}`).toBe(p.weight);
      }
    }
  });

  it("lowers a failing peer's effective weight by weight/max_fails and restores it by one per round", () => {
    const clock = new ManualClock();
    const lb = new SmoothWeightedRoundRobin(
      [
        { id: 'a', weight: 6 },
        { id: 'b', weight: 1 },
      ],
      clock,
      { maxFails: 3, failTimeoutMs: 10_000 },
    );
    const a = lb.pool.get('a');
    expect(lb.pick()).toBe('a');
    lb.release('a', 'failure');
    expect(a.effectiveWeight).toBe(4); // 6 − 6/3
    expect(a.fails).toBe(1);
    lb.pick(); // One round: a's effective weight is added, then raised by one.
    expect(a.effectiveWeight).toBe(5);
    lb.pick();
    expect(a.effectiveWeight).toBe(6);
    lb.pick();
    expect(a.effectiveWeight).toBe(6); // Never above the configured weight.
  });

  it("skips a peer with max_fails failures for fail_timeout, then probes it (nginx's passive checks)", () => {
    const clock = new ManualClock(1000);
    const lb = new SmoothWeightedRoundRobin(
      [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 1 },
      ],
      clock,
      { maxFails: 1, failTimeoutMs: 500 },
    );
    expect(lb.pick()).toBe('a');
    lb.release('a', 'failure');
    expect([lb.pick(), lb.pick(), lb.pick()]).toEqual(['b', 'b', 'b']);
    clock.advance(500);
    expect(lb.pick()).toBe('b'); // Still within fail_timeout (≤, as nginx).
    clock.advance(1);
    const probe = Array.from({ length: 4 }, () => lb.pick());
    expect(probe).toContain('a');
    clock.advance(1);
    lb.release('a', 'success'); // The probe succeeded: failures cleared.
    expect(lb.pool.get('a').fails).toBe(0);
  });

  it('returns null when every peer is failing, and forgives them (nginx: quick recovery)', () => {
    const clock = new ManualClock();
    const lb = new SmoothWeightedRoundRobin([{ id: 'a' }, { id: 'b' }], clock, { maxFails: 1 });
    lb.pick();
    lb.release('a', 'failure');
    lb.pick();
    lb.release('b', 'failure');
    expect(lb.pick()).toBeNull();
    expect(lb.pick()).not.toBeNull();
  });

  it('ramps a rejoining peer over the slow-start window', () => {
    const clock = new ManualClock();
    const lb = new SmoothWeightedRoundRobin(
      [
        { id: 'a', weight: 10 },
        { id: 'b', weight: 10 },
      ],
      clock,
      { slowStartMs: 1000 },
    );
    lb.pool.markDown('b');
    expect(Array.from({ length: 5 }, () => lb.pick())).toEqual(['a', 'a', 'a', 'a', 'a']);
    lb.pool.checkResult('b', true);
    const share = (picks: number) =>
      Array.from({ length: picks }, () => lb.pick()).filter((id) => id === 'b').length;
    clock.advance(100); // 10 % through: b's weight is 1 against a's 10.
    const early = share(110);
    expect(early).toBeGreaterThanOrEqual(9);
    expect(early).toBeLessThanOrEqual(11);
    clock.advance(400); // Half-way: weight 5.
    const middle = share(150);
    expect(middle).toBeGreaterThanOrEqual(49);
    expect(middle).toBeLessThanOrEqual(51);
    clock.advance(500); // Done: equal weights.
    share(20); // Let the current weights settle.
    expect(share(200)).toBe(100);
  });
});
