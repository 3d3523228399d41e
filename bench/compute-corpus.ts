// The corpus `cohort bench compute` counts: about `bytes` bytes of lines of 3–16 words, each
// word drawn from a Zipf distribution (s = 1: the k-th most common word appears about 1/k
// as often as the first, as in natural text) over a vocabulary of VOCABULARY distinct
// lower-case words, from a seed — the same size and seed give the same file, byte for byte.
// Words are ASCII letters separated by single spaces, so every counter in the benchmark
// (the word-count job's tokenizer, `tr -s ' ' '\n' | sort | uniq -c`) sees the same words.
//
// Written through a large buffer: the benchmark generates hundreds of MB once per run.
// The cumulative weights are plain floating point; IEEE division and addition are exactly
// rounded, so the table — and the file — is the same on every engine.

import fs from 'node:fs';
import { Prng } from '../src/core/prng.js';

const VOCABULARY = 50_000;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'zo', 'vi', 'po', 'se', 'du', 'an'];
const BUFFER_BYTES = 4 * 1024 * 1024;
/** A uniform draw is one 32-bit `next()`. */
const DRAWS = 2 ** 32;
/** The draw's top bits index a table of where each bucket's ranks start (see `Sampler`). */
const BUCKET_BITS = 16;

/** The word of rank `k`: k written in base 12 with syllables for digits (distinct by construction). */
function wordOf(k: number): string {
  let w = '';
  let n = k;
  do {
    w = (SYLLABLES[n % SYLLABLES.length] as string) + w;
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return w;
}

/** Cumulative Zipf weights, normalised so the last is DRAWS. */
function zipfTable(size: number): Float64Array {
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let k = 0; k < size; k++) {
    sum += 1 / (k + 1);
    cumulative[k] = sum;
  }
  for (let k = 0; k < size; k++) cumulative[k] = ((cumulative[k] as number) / sum) * DRAWS;
  return cumulative;
}

/** The first rank in [lo, hi] whose cumulative weight exceeds `u` (binary search). */
function rankIn(cumulative: Float64Array, u: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Zipf ranks from uniform 32-bit draws. A table gives, for each value of a draw's top
 * BUCKET_BITS bits, the ranks that bucket can fall in, so most draws search a range of one
 * or two ranks instead of the whole vocabulary (the generator writes tens of millions).
 */
class Sampler {
  private readonly cumulative: Float64Array;
  private readonly first: Uint32Array;

  constructor(size: number) {
    this.cumulative = zipfTable(size);
    const buckets = 2 ** BUCKET_BITS;
    this.first = new Uint32Array(buckets + 1);
    const width = DRAWS / buckets;
    for (let b = 0; b <= buckets; b++)
      this.first[b] = rankIn(this.cumulative, Math.min(b * width, DRAWS - 1), 0, size - 1);
  }

  rank(u: number): number {
    const b = u >>> (32 - BUCKET_BITS);
    return rankIn(this.cumulative, u, this.first[b] as number, this.first[b + 1] as number);
  }
}

/** Writes about `bytes` bytes (whole lines, at least one) of Zipf-distributed words to `file`. */
export function writeZipfCorpus(file: string, bytes: number, seed = 1): void {
  const rng = new Prng(seed, 'bench-compute-corpus');
  // Every word's letters in one array: copying a few bytes in a loop beats a Buffer.copy call.
  const letters = Buffer.from(Array.from({ length: VOCABULARY }, (_, k) => wordOf(k)).join(''));
  const starts = new Uint32Array(VOCABULARY + 1);
  for (let k = 0; k < VOCABULARY; k++) starts[k + 1] = (starts[k] as number) + wordOf(k).length;
  const sampler = new Sampler(VOCABULARY);
  const buf = Buffer.alloc(BUFFER_BYTES);
  const fd = fs.openSync(file, 'w');
  try {
    let written = 0;
    let at = 0;
    // A line is at most 15 words of at most 2 × 5 letters: far below the slack kept here.
    while (written + at < bytes || written + at === 0) {
      const n = rng.range(3, 16);
      for (let i = 0; i < n; i++) {
        const k = sampler.rank(rng.next());
        if (i > 0) buf[at++] = 0x20;
        for (let j = starts[k] as number; j < (starts[k + 1] as number); j++)
          buf[at++] = letters[j] as number;
      }
      buf[at++] = 0x0a;
      if (at > BUFFER_BYTES - 4096) {
        written += fs.writeSync(fd, buf, 0, at);
        at = 0;
      }
    }
    fs.writeSync(fd, buf, 0, at);
  } finally {
    fs.closeSync(fd);
  }
}
