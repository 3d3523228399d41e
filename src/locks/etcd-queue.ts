// The etcd lock backend's pure part (etcd.ts does the calls): a lock's queue as read from
// the keys under its directory, and which keys a waiter waits on.
//
// - A lock named N has one key per waiter, `N/<lease id, 16 hex digits>`, ordered by create
//   revision. Names may contain '/', so `N/x/<lease>` lies in `N/`'s range and is skipped.
// - Exclusive and write waiters hold once fewer than `limit` keys are before them (limit 1: a
//   mutex); they wait on the `limit` keys just before them: one of those leaving may admit
//   them, keys further ahead leaving do not change which keys those are.
// - Readers hold once no writer is before them; they wait on the last earlier writer.
//
// Fault model: keys and values under the prefix may be written by anyone: a value that is not
// ours to read counts as a writer with no owner (the safe reading).

import type { KeyValue } from '../client/index.js';
import type { LockMode } from './lock.js';

/** One key in a lock's queue. */
export interface QueueEntry {
  readonly key: string;
  readonly createRevision: number;
  readonly lease: bigint;
  /** Undefined when the value is not ours to read (written by someone else). */
  readonly owner: string | undefined;
  readonly mode: LockMode;
}

const LEASE_SUFFIX = /^[0-9a-f]{16}$/;
export function leaseHex(lease: bigint): string {
  return BigInt.asUintN(64, lease).toString(16).padStart(16, '0');
}

function modeOf(code: unknown): LockMode {
  if (code === 'r') return 'read';
  if (code === 'x') return 'exclusive';
  return 'write';
}

/** The queue under `dir` (a lock's directory, ending in '/'), oldest first. */
export function parseQueue(kvs: readonly KeyValue[], dir: string): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const kv of kvs) {
    const key = kv.keyString();
    // Names may contain '/': `a/b/<lease>` is in `a/`'s range but is not one of its keys.
    if (!key.startsWith(dir) || !LEASE_SUFFIX.test(key.slice(dir.length))) continue;
    let value: { o?: unknown; m?: unknown } = {};
    try {
      const parsed: unknown = JSON.parse(kv.valueString());
      if (parsed !== null && typeof parsed === 'object') value = parsed;
    } catch {
      // Not ours: a writer with no owner (the safe reading).
    }
    const owner = typeof value.o === 'string' ? value.o : undefined;
    entries.push({
      key,
      createRevision: kv.createRevision,
      lease: kv.lease,
      owner,
      mode: modeOf(value.m),
    });
  }
  return entries.sort((a, b) => a.createRevision - b.createRevision);
}

/**
 * The keys `me` waits on (to watch for deletion); none = `me` holds. Exclusive and write
 * waiters need fewer than `limit` keys before them; readers need no writer before them.
 */
export function blockersOf(
  queue: readonly QueueEntry[],
  me: QueueEntry,
  limit: number,
): QueueEntry[] {
  const before = queue.filter((e) => e.createRevision < me.createRevision);
  if (me.mode === 'read') {
    const writer = before.findLast((e) => e.mode !== 'read');
    return writer === undefined ? [] : [writer];
  }
  return before.length < limit ? [] : before.slice(-limit);
}
