// Waiting, the recipes' way: never polling, always a watch that starts at the revision right
// after the read that decided to wait, so an event between that read and the watch's creation
// is not missed. Also: one AbortSignal from a caller's `timeoutMs` and `signal` (and a
// session's), and a watcher's events grouped by revision (one Txn, or one lease expiry,
// changes several keys at one revision: a consumer must see the revision's state, not a state
// in between).
//
// Fault model: watches resume by themselves across reconnects (client watch.ts). When the
// revision a wait needs has been compacted, the wait returns 'compacted' or re-reads, and the
// caller re-reads the state it waits on: a compaction can cost a wake-up, never a missed one.
// Any other watch failure (the client closed, a server cancel) is thrown.

import type { Client } from '../client.js';
import { WatchCompactedError } from '../errors.js';
import type { WatchEvent, Watcher } from '../watch.js';
import { RecipeTimeoutError } from './errors.js';

/** How long a recipe may wait: at most `timeoutMs`, and until `signal` aborts. */
export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** One signal for a wait; `dispose()` once the wait is over (it clears the timer). */
export interface Deadline {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * A signal that aborts when `options.signal` or any of `more` aborts (with its reason), or
 * after `options.timeoutMs` (with a RecipeTimeoutError naming `what`).
 */
export function deadline(
  what: string,
  options: WaitOptions,
  ...more: readonly (AbortSignal | undefined)[]
): Deadline {
  const controller = new AbortController();
  const sources = [options.signal, ...more].filter((s): s is AbortSignal => s !== undefined);
  const listeners: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const dispose = () => {
    clearTimeout(timer);
    for (const [i, s] of sources.entries())
      s.removeEventListener('abort', listeners[i] as () => void);
  };
  for (const source of sources) {
    const onAbort = () => {
      controller.abort(source.reason);
      dispose();
    };
    listeners.push(onAbort);
    if (source.aborted) onAbort();
    else source.addEventListener('abort', onAbort, { once: true });
  }
  const ms = options.timeoutMs;
  if (ms !== undefined && !controller.signal.aborted) {
    if (!(ms >= 0 && ms <= 2 ** 31 - 1)) throw new RangeError(`${what}: bad timeoutMs ${ms}`);
    timer = setTimeout(() => {
      controller.abort(new RecipeTimeoutError(what, ms));
      dispose();
    }, ms);
  }
  return { signal: controller.signal, dispose };
}

/** Runs `fn` with a deadline's signal, disposing of the deadline afterwards. */
export async function withDeadline<T>(
  what: string,
  options: WaitOptions,
  more: readonly (AbortSignal | undefined)[],
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const d = deadline(what, options, ...more);
  try {
    return await fn(d.signal);
  } finally {
    d.dispose();
  }
}

export interface EventWait {
  /** Watch every key under `key` instead of `key` alone. */
  readonly prefix?: boolean;
  /** The revision of the read that decided to wait: events after it count. */
  readonly afterRevision: number;
  readonly type: 'PUT' | 'DELETE';
}

/**
 * The first event of `w.type` on `key` (or under it) after `w.afterRevision`, or 'compacted'
 * when those revisions are gone (the caller re-reads). Rejects with the signal's reason.
 */
export async function waitEvent(
  client: Client,
  key: string,
  w: EventWait,
  signal: AbortSignal,
): Promise<WatchEvent | 'compacted'> {
  const watcher = client.watch(key, {
    prefix: w.prefix === true,
    startRevision: w.afterRevision + 1,
    filters: [w.type === 'PUT' ? 'NODELETE' : 'NOPUT'],
    signal,
  });
  try {
    for await (const event of watcher) return event;
  } catch (e) {
    if (e instanceof WatchCompactedError) return 'compacted';
    throw e;
  }
  signal.throwIfAborted();
  return 'compacted'; // Ended without an event (cancelled): the caller re-reads.
}

/** A key as it was read: its name and the create revision that identifies this incarnation. */
export interface SeenKey {
  readonly key: string;
  readonly createRevision: number;
}

/**
 * Resolves once `seen` (that incarnation of the key) is gone: deleted after `afterRevision`.
 * Survives compaction by re-reading the key (a re-created key is a new incarnation: gone).
 */
export async function waitGone(
  client: Client,
  seen: SeenKey,
  afterRevision: number,
  signal: AbortSignal,
): Promise<void> {
  let after = afterRevision;
  for (;;) {
    const event = await waitEvent(
      client,
      seen.key,
      { afterRevision: after, type: 'DELETE' },
      signal,
    );
    if (event !== 'compacted') return;
    const got = await client.get(seen.key, { signal });
    if (got.kvs[0]?.createRevision !== seen.createRevision) return;
    after = got.header.revision;
  }
}

/** Resolves once any of `keys` is gone (one watch per key; the others are then cancelled). */
export async function waitAnyGone(
  client: Client,
  keys: readonly SeenKey[],
  afterRevision: number,
  signal: AbortSignal,
): Promise<void> {
  if (keys.length === 0) return;
  const inner = new AbortController();
  const onAbort = () => inner.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race(keys.map((k) => waitGone(client, k, afterRevision, inner.signal)));
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Ends the other watches; their rejections are handled by the race.
    inner.abort(new Error('the wait is over'));
  }
}

/**
 * A watcher's events, one array per revision: the events the server sent together at one
 * revision are returned together (a watch response never splits a revision).
 */
export async function* revisionBatches(watcher: Watcher): AsyncGenerator<WatchEvent[]> {
  const events = watcher[Symbol.asyncIterator]();
  let held: WatchEvent | undefined;
  try {
    for (;;) {
      let first = held;
      held = undefined;
      if (first === undefined) {
        const next = await events.next();
        if (next.done === true) return;
        first = next.value;
      }
      const batch = [first];
      // Only what is already buffered belongs to the same response: never wait for more here.
      while (watcher.buffered > 0) {
        const next = await events.next();
        if (next.done === true) break;
        if (next.value.kv.modRevision !== first.kv.modRevision) {
          held = next.value;
          break;
        }
        batch.push(next.value);
      }
      yield batch;
    }
  } finally {
    await events.return?.();
  }
}
