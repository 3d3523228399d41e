// A seeded, integer-only pseudo-random generator (sfc32, Chris Doty-Humphrey's Small Fast
// Counter). Integer arithmetic through Math.imul and >>> 0 gives the same stream in every
// JavaScript engine, which float-based sampling would not (STYLE.md §2). Sub-streams are
// derived by label so that one subsystem drawing more numbers never shifts another's.

import { assert } from './assert.js';

const TWO_32 = 0x1_0000_0000;

/** 32-bit string hash (FNV-1a then a murmur3 finaliser), used to derive seeds from labels. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is any safe integer; `label` names the sub-stream (e.g. `node/3`). */
  constructor(seed: number, label = '') {
    assert(Number.isSafeInteger(seed), 'seed must be a safe integer');
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_32) >>> 0;
    this.a = hash32(label, lo ^ 0x9e3779b9);
    this.b = hash32(label, hi ^ 0x85ebca6b);
    this.c = hash32(label, lo ^ 0xc2b2ae35);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next(); // Mix the seed into all four words.
  }

  /** A derived generator: same seed and label always give the same stream. */
  static derive(seed: number, label: string): Prng {
    return new Prng(seed, label);
  }

  /** Next 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform integer in [0, maxExclusive), without modulo bias. */
  int(maxExclusive: number): number {
    assert(Number.isInteger(maxExclusive) && maxExclusive > 0, 'int() needs a positive bound');
    assert(maxExclusive <= TWO_32, 'int() bound above 2^32');
    const limit = TWO_32 - (TWO_32 % maxExclusive);
    let x = this.next();
    while (x >= limit) x = this.next();
    return x % maxExclusive;
  }

  /** Uniform integer in [min, maxInclusive]. */
  range(min: number, maxInclusive: number): number {
    assert(maxInclusive >= min, 'range() needs min <= max');
    return min + this.int(maxInclusive - min + 1);
  }

  /** True with probability num/den. */
  chance(num: number, den: number): boolean {
    if (num <= 0) return false;
    if (num >= den) return true;
    return this.int(den) < num;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick() from an empty array');
    return items[this.int(items.length)] as T;
  }

  /** Fisher–Yates, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

/** The part of a PRNG an algorithm sees through `Env`. */
export type Random = Pick<Prng, 'int' | 'range' | 'chance' | 'pick' | 'shuffle'>;
