// etcd's --auto-compaction-retention and --auto-compaction-mode, read as etcd v3.4 reads them
// (embed/config.go parseCompactionRetention): a non-negative integer is hours in periodic
// mode and revisions in revision mode; anything else must be a Go duration ("30m", "1h30m",
// "500ms") and means periodic retention. 0 (the default) turns auto-compaction off. Unlike
// etcd, a duration in revision mode is a usage error (etcd would take its nanoseconds as a
// revision count).
//
// Fault model: operator input; anything unexpected is a UsageError (exit 2).

import type { AutoCompaction } from '../server/compactor.js';
import { UsageError } from './usage-error.js';

const HOUR_MS = 3_600_000;

/** Milliseconds per Go duration unit (time.ParseDuration). */
const GO_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: HOUR_MS,
};

/** A Go duration ("1h30m", "2.5s", "0") in milliseconds, or undefined if it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text);
  const body = match?.[2] ?? '';
  if (body === '0') return 0;
  if (body === '') return undefined;
  let total = 0;
  let rest = body;
  while (rest !== '') {
    const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (part === null) return undefined;
    total += Number(part[1]) * (GO_UNITS_MS[part[2] as string] as number);
    rest = rest.slice(part[0].length);
  }
  return match?.[1] === '-' ? -total : total;
}

/** The auto-compaction the two flags ask for. */
export function parseAutoCompaction(mode: string, retention: string): AutoCompaction {
  if (mode !== 'periodic' && mode !== 'revision')
    throw new UsageError(`--auto-compaction-mode: 'periodic' or 'revision', got '${mode}'`);
  const text = retention === '' ? '0' : retention;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n))
      throw new UsageError(`--auto-compaction-retention: '${text}' is too large`);
    return mode === 'periodic' ? { mode, retentionMs: n * HOUR_MS } : { mode, revisions: n };
  }
  const ms = parseGoDuration(text);
  if (ms === undefined || ms < 0)
    throw new UsageError(
      `--auto-compaction-retention: '${text}' is neither a whole number nor a duration like 30m`,
    );
  if (mode === 'revision')
    throw new UsageError('--auto-compaction-retention: revision mode takes a whole number');
  return { mode, retentionMs: ms };
}
