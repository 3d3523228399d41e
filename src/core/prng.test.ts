import { describe, expect, it } from 'vitest';
import { hash32, Prng } from './prng.js';

function draws(p: Prng, count: number): number[] {
  return Array.from({ length: count }, () => p.next());
}

describe('Prng', () => {
  it('gives the same stream for the same seed and label', () => {
    expect(draws(new Prng(42, 'node/1'), 100)).toEqual(draws(new Prng(42, 'node/1'), 100));
    expect(draws(Prng.derive(42, 'x'), 50)).toEqual(draws(new Prng(42, 'x'), 50));
  });

  it('gives different streams for different labels and different seeds', () => {
    const base = draws(new Prng(42, 'node/1'), 20);
    expect(draws(new Prng(42, 'node/2'), 20)).not.toEqual(base);
    expect(draws(new Prng(43, 'node/1'), 20)).not.toEqual(base);
    // Seeds above 2^32 use their high word too.
    expect(draws(new Prng(2 ** 32 + 42, 'node/1'), 20)).not.toEqual(base);
  });

  it('produces 32-bit unsigned integers', () => {
    for (const x of draws(new Prng(7), 1000)) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 32);
    }
  });

  it.each([1, 2, 3, 7, 10, 1000, 2 ** 31 + 1, 2 ** 32])('int(%i) stays in bounds', (max) => {
    const p = new Prng(99, `bound/${max}`);
    for (let i = 0; i < 2000; i++) {
      const x = p.int(max);
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(max);
    }
  });

  it('int() rejects bad bounds', () => {
    const p = new Prng(1);
    expect(() => p.int(0)).toThrow();
    expect(() => p.int(-1)).toThrow();
    expect(() => p.int(1.5)).toThrow();
    expect(() => p.int(2 ** 32 + 1)).toThrow();
  });

  it('int() is roughly uniform', () => {
    const p = new Prng(123, 'uniform');
    const buckets = 10;
    const n = 100_000;
    const counts = new Array<number>(buckets).fill(0);
    for (let i = 0; i < n; i++) counts[p.int(buckets)]!++;
    const expected = n / buckets;
    for (const c of counts) {
      expect(c).toBeGreaterThan(0);
      expect(c).toBeGreaterThan(expected * 0.9);
      expect(c).toBeLessThan(expected * 1.1);
    }
  });

  it('range() is inclusive at both ends', () => {
    const p = new Prng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const x = p.range(3, 6);
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThanOrEqual(6);
      seen.add(x);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(p.range(9, 9)).toBe(9);
  });

  it.each([
    [0, 1],
    [0, 100],
    [-3, 10],
  ])('chance(%i, %i) is always false', (num, den) => {
    const p = new Prng(8);
    for (let i = 0; i < 200; i++) expect(p.chance(num, den)).toBe(false);
  });

  it.each([
    [1, 1],
    [100, 100],
    [150, 100],
  ])('chance(%i, %i) is always true', (num, den) => {
    const p = new Prng(8);
    for (let i = 0; i < 200; i++) expect(p.chance(num, den)).toBe(true);
  });

  it('chance(1, 2) is sometimes true and sometimes false', () => {
    const p = new Prng(11);
    const results = Array.from({ length: 1000 }, () => p.chance(1, 2));
    const trues = results.filter(Boolean).length;
    expect(trues).toBeGreaterThan(400);
    expect(trues).toBeLessThan(600);
  });

  it('shuffle is an in-place permutation, deterministic per seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = items.slice();
    const out = new Prng(3, 'shuffle').shuffle(a);
    expect(out).toBe(a);
    expect(a.slice().sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
    expect(new Prng(3, 'shuffle').shuffle(items.slice())).toEqual(a);
    expect(new Prng(4, 'shuffle').shuffle(items.slice())).not.toEqual(a);
    expect(new Prng(1).shuffle([])).toEqual([]);
    expect(new Prng(1).shuffle([9])).toEqual([9]);
  });

  it('pick() returns an element and refuses an empty array', () => {
    const p = new Prng(2);
    const items = ['a', 'b', 'c'];
    for (let i = 0; i < 100; i++) expect(items).toContain(p.pick(items));
    expect(() => p.pick([])).toThrow();
  });

  it('hash32 is deterministic and label-sensitive', () => {
    expect(hash32('abc')).toBe(hash32('abc'));
    expect(hash32('abc')).not.toBe(hash32('abd'));
    expect(hash32('abc', 1)).not.toBe(hash32('abc', 2));
    expect(hash32('abc') >>> 0).toBe(hash32('abc'));
  });
});
