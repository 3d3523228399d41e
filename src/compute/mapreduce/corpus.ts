// A generated text corpus for MapReduce runs and tests: lines of words drawn from a
// Zipf-like vocabulary (a few words very common, most rare, as in natural text), from a
// seed, so every run of the same size and seed is the same file. Plus the single-process
// word count every MapReduce answer is compared with.

import fs from 'node:fs';
import { Prng } from '../../core/prng.js';
import { wordCount } from './jobs.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'zo', 'vi', 'po', 'se', 'du', 'an'];

function vocabulary(size: number, rng: Prng): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = rng.range(1, 4);
    let w = '';
    for (let i = 0; i < n; i++) w += rng.pick(SYLLABLES);
    words.add(w);
  }
  return [...words];
}

/** Writes about `bytes` bytes of text to `file`. */
export function writeCorpus(file: string, bytes: number, seed = 1): void {
  const rng = new Prng(seed, 'corpus');
  const vocab = vocabulary(5_000, rng);
  const fd = fs.openSync(file, 'w');
  try {
    let written = 0;
    let chunk = '';
    while (written + chunk.length < bytes) {
      const words: string[] = [];
      const n = rng.range(3, 16);
      // Zipf-like: the index is a product of two uniforms, skewed toward the front.
      for (let i = 0; i < n; i++)
        words.push(
          vocab[
            Math.floor((rng.int(vocab.length) * rng.int(vocab.length)) / vocab.length)
          ] as string,
        );
      chunk += `${words.join(' ')}\n`;
      if (chunk.length > 1 << 20) {
        written += fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

/** Word count in this process, the reference for every MapReduce answer. */
export function wordCountLocal(file: string): [string, number][] {
  const counts = wordCount.map(fs.readFileSync(file, 'utf8'));
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
