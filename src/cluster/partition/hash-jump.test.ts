// The shared 64-bit hashes against published vectors, and jump consistent hash against the
// paper's reference code: the golden values below were printed by Lamping & Veach's C++
// (compiled with g++ here) and equal Guava's Hashing.consistentHash golden values.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmix64, fnv1a64, hashFunction, unitInterval } from './hash.js';
import { jumpConsistentHash } from './jump.js';
import { PartitionError } from './nodes.js';

describe('hashes', () => {
  it('fnv1a is FNV-1a 64 (the reference test vectors)', () => {
    expect(fnv1a64('').toString(16)).toBe('cbf29ce484222325');
    expect(fnv1a64('a').toString(16)).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar').toString(16)).toBe('85944171f73967e8');
    expect(fnv1a64(new TextEncoder().encode('foobar'))).toBe(fnv1a64('foobar'));
  });

  it('md5 and sha1 are the first 8 bytes of the digest, big-endian', () => {
    expect(hashFunction('md5')('').toString(16)).toBe('d41d8cd98f00b204');
    expect(hashFunction('sha1')('abc').toString(16)).toBe('a9993e364706816a');
    expect(hashFunction('md5')('é')).toBe(hashFunction('md5')(Uint8Array.of(0xc3, 0xa9)));
  });

  it('unitInterval stays strictly inside (0, 1) at both ends', () => {
    expect(unitInterval(0n)).toBeGreaterThan(0);
    expect(unitInterval((1n << 64n) - 1n)).toBeLessThan(1);
    expect(fmix64(0n)).toBe(0n);
    expect(fmix64(1n)).not.toBe(1n);
  });
});

describe('jump consistent hash', () => {
  it("reproduces the paper's reference code", () => {
    const golden100 = [
      0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83,
    ];
    expect(golden100.map((_, i) => jumpConsistentHash(BigInt(i), 100))).toEqual(golden100);
    expect(jumpConsistentHash(10863919174838991n, 11)).toBe(6);
    expect(jumpConsistentHash(2016238256797177309n, 11)).toBe(3);
    expect(jumpConsistentHash(1673758223894951030n, 11)).toBe(5);
    expect(jumpConsistentHash(2n, 100001)).toBe(80343);
    expect(jumpConsistentHash(2201n, 100001)).toBe(22152);
    expect(jumpConsistentHash(2202n, 100001)).toBe(15018);
    expect(jumpConsistentHash(0xffffffffffffffffn, 1000)).toBe(313);
    expect(jumpConsistentHash(123456789n, 2 ** 30)).toBe(283355272);
  });

  it('growing by one bucket moves a key only into the new bucket', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.integer({ min: 1, max: 5000 }),
        (key, n) => {
          const before = jumpConsistentHash(key, n);
          const after = jumpConsistentHash(key, n + 1);
          expect(before).toBeGreaterThanOrEqual(0);
          expect(before).toBeLessThan(n);
          expect([before, n]).toContain(after);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses keys and bucket counts out of range', () => {
    expect(() => jumpConsistentHash(-1n, 3)).toThrow(PartitionError);
    expect(() => jumpConsistentHash(1n << 64n, 3)).toThrow(PartitionError);
    expect(() => jumpConsistentHash(1n, 0)).toThrow(/buckets/);
    expect(() => jumpConsistentHash(1n, 2 ** 31)).toThrow(/buckets/);
  });
});
