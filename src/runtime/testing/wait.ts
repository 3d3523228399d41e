// Test helpers for the real runtime: waiting on a condition (the outcome is what is checked;
// the generous limit only turns a hang into a failure) and a pino logger that records lines.

import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** Polls `condition` until it holds; throws after `limitMs` (a hang, not a threshold). */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 60_000,
): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Rejects with a message when `promise` has not settled within `ms` (a hang, not a threshold). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly reason?: string;
  readonly [key: string]: unknown;
}

/** A logger whose lines land in `lines` (parsed), for asserting on logged reasons. */
export function recordingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text.trim() !== '') lines.push(JSON.parse(text) as LogLine);
      }
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}
