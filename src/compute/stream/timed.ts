// Timestamped records for the windowed topology (issue 20): the input format (one record a
// line, `<eventTimeMs> <text>`), a generator of such a corpus with bounded disorder, the
// sink's key for a (window, word) count, and the single-process windowed word count every
// multi-process run is compared with.
//
// Fault model: input lines are untrusted; a line that is not `<non-negative integer> <text>`
// is refused with a StreamRecordError naming its line, never guessed at.

import fs from 'node:fs';
import readline from 'node:readline';
import { Prng } from '../../core/prng.js';
import { wordCount } from '../mapreduce/jobs.js';
import { StreamRecordError } from './spout.js';
import { EventTimeWindows, type WindowOptions } from './windows.js';

const TIMED = /^(\d{1,15}) (.*)$/s;

/** `<eventTimeMs> <text>` → [eventTime, text]; `record` (from 0) names a bad line. */
export function parseTimedLine(line: string, record: number): [number, string] {
  const m = TIMED.exec(line);
  const t = m === null ? Number.NaN : Number(m[1]);
  if (m === null || !Number.isSafeInteger(t))
    throw new StreamRecordError(`line ${record + 1}: expected '<eventTimeMs> <text>'`);
  return [t, m[2] as string];
}

/** The sink's key of `word`'s count in the window [start, end). */
export function windowKey(start: number, end: number, word: string): string {
  return `${start}-${end} ${word}`;
}

/**
 * Prefixes each line of the plain corpus `from` with an event time and writes `to`: line i
 * is at i·stepMs + maxDisorderMs − jitter, jitter uniform in [0, maxDisorderMs], so no
 * record is more than maxDisorderMs older than one before it (the disorder a watermark
 * with that out-of-orderness absorbs).
 */
export async function writeTimedCorpus(
  from: string,
  to: string,
  opts: { readonly stepMs: number; readonly maxDisorderMs: number; readonly seed?: number },
): Promise<void> {
  const rng = new Prng(opts.seed ?? 1, 'timed-corpus');
  const out = fs.openSync(to, 'w');
  try {
    let i = 0;
    let chunk = '';
    const rl = readline.createInterface({ input: fs.createReadStream(from) });
    for await (const line of rl) {
      const jitter = opts.maxDisorderMs === 0 ? 0 : rng.int(opts.maxDisorderMs + 1);
      chunk += `${i++ * opts.stepMs + opts.maxDisorderMs - jitter} ${line}\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(out, chunk);
        chunk = '';
      }
    }
    fs.writeSync(out, chunk);
  } finally {
    fs.closeSync(out);
  }
}

/**
 * The windowed word count in this process: every record of `file`, in file order, into one
 * EventTimeWindows; each (window, word)'s last firing (a late one replaces the first).
 */
export async function windowCountLocal(
  file: string,
  options: WindowOptions,
): Promise<[string, number][]> {
  const windows = new EventTimeWindows(options);
  const counts = new Map<string, number>();
  const take = (firings: ReturnType<EventTimeWindows['flush']>) => {
    for (const f of firings)
      for (const [word, n] of f.counts) counts.set(windowKey(f.start, f.end, word), n);
  };
  let record = 0;
  const rl = readline.createInterface({ input: fs.createReadStream(file) });
  for await (const line of rl) {
    const [t, text] = parseTimedLine(line, record++);
    for (const [word, n] of wordCount.map(text)) take(windows.add(word, t, n));
  }
  take(windows.flush());
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
