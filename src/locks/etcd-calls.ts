// The etcd lock backend's calls (etcd.ts): retried on transient failures within a window,
// each with its own deadline; one lease renewal; and the wait for any of some keys to be
// deleted (the predecessor watch, and a holder's watch on its own key).
//
// Fault model: the server may fail, restart or lose its leader — UNAVAILABLE, deadline and
// leader-change answers are retried for RETRY_WINDOW_MS, then BackendUnavailableError; watches
// resume by themselves (cohort/client), and a compacted history resolves the wait so that the
// caller reads the queue again.

import { backoffMs, sleep } from '../client/connection.js';
import type { Client, LeaseLostError, Watcher } from '../client/index.js';
import { WatchCompactedError } from '../client/index.js';
import { abortReason, BackendUnavailableError, LockLostError, throwIfAborted } from './errors.js';

/** Calls are retried on transient failures for this long before BackendUnavailableError. */
const RETRY_WINDOW_MS = 20_000;
/** One call's deadline: a hung server is retried elsewhere rather than waited on. */
export const CALL_TIMEOUT_MS = 5_000;
function isTransient(e: unknown): boolean {
  if (e === null || typeof e !== 'object') return false;
  const err = e as { retryable?: unknown; code?: unknown; kind?: unknown };
  return (
    err.retryable === true ||
    err.code === 'DEADLINE_EXCEEDED' ||
    err.kind === 'noLeader' ||
    err.kind === 'timeout' ||
    err.kind === 'leaderChanged' ||
    err.kind === 'timeoutDueToLeaderFail' ||
    err.kind === 'timeoutDueToConnectionLost'
  );
}

/** Runs `call` until it answers, retrying transient failures for RETRY_WINDOW_MS. */
export async function retrying<T>(
  what: string,
  signal: AbortSignal | undefined,
  call: (attempt: number) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    try {
      return await call(attempt);
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      if (e instanceof BackendUnavailableError || e instanceof LockLostError) throw e;
      if (!isTransient(e) || performance.now() - started > RETRY_WINDOW_MS) {
        throw new BackendUnavailableError(`etcd: ${what} failed`, { cause: e });
      }
    }
    await sleep(backoffMs(attempt + 2), signal).catch(() => {});
  }
}

export function callOptions(signal: AbortSignal | undefined) {
  return signal === undefined
    ? { timeoutMs: CALL_TIMEOUT_MS }
    : { signal, timeoutMs: CALL_TIMEOUT_MS };
}

/** One renewal of a lease; resolves with the TTL (seconds) the server reported. */
export function renewOnce(client: Client, lease: bigint, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const keeper = client.keepAlive(lease);
    const timer = setTimeout(() => {
      keeper.stop();
      reject(new BackendUnavailableError('etcd: lease renewal got no answer'));
    }, timeoutMs);
    keeper.once('renewed', (ttl: number) => {
      clearTimeout(timer);
      keeper.stop();
      resolve(ttl);
    });
    keeper.once('lost', (e: LeaseLostError) => {
      clearTimeout(timer);
      // 'error': the stream failed (say, the client closed), which says nothing of the lease.
      if (e.reason === 'error') {
        reject(new BackendUnavailableError('etcd: lease renewal failed', { cause: e }));
      } else reject(new LockLostError('etcd: the lease expired or was revoked', { cause: e }));
    });
  });
}

/** A key as it was last read: gone once it is absent or has another create revision. */
export interface KeySeen {
  readonly key: string;
  readonly createRevision: number;
}

/**
 * Resolves when one of `keys` is deleted after `seenAt`, the revision they were read at (or
 * when history is gone). The watches start from now, not from `seenAt + 1`: etcd puts a watch
 * that starts in the past into its unsynced group, which it catches up only every 100 ms, so a
 * lock hand-off could wait that long for its event. Once the watches exist, one read looks for
 * a deletion between `seenAt` and their creation (needed only if the store moved meanwhile).
 */
export async function anyDeleted(
  client: Client,
  keys: readonly KeySeen[],
  seenAt: number,
  signal: AbortSignal,
): Promise<void> {
  throwIfAborted(signal);
  const watchers = keys.map(({ key }) => client.watch(key, { filters: ['NOPUT'] }));
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      for (const watcher of watchers) {
        (async () => {
          for await (const _ of watcher) return resolve();
          resolve(); // Ended by the server: look at the queue again.
        })().catch((e: unknown) => (e instanceof WatchCompactedError ? resolve() : reject(e)));
      }
      // Its reads are left to finish when the wait ends first: a cancelled call is an
      // RST_STREAM, which servers count (see src/client/idle-close.ts).
      goneBeforeWatching(client, keys, watchers, seenAt, signal).then(
        (gone) => gone && resolve(),
        () => resolve(), // The read failed: the caller reads again (and retries) itself.
      );
    });
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    for (const watcher of watchers) void watcher.cancel();
  }
}

/** Whether one of `keys` went between `seenAt` and the creation of its watch. */
async function goneBeforeWatching(
  client: Client,
  keys: readonly KeySeen[],
  watchers: readonly Watcher[],
  seenAt: number,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await Promise.all(watchers.map((w) => w.ready));
  } catch {
    return false; // A watch that failed says so through its iterator.
  }
  // A created watch reports the revision it starts after (0 only if a server sent no header).
  if (watchers.every((w) => w.revision !== 0 && w.revision <= seenAt)) return false;
  const reads = await Promise.all(keys.map(({ key }) => client.get(key, callOptions(signal))));
  return reads.some((read, i) => read.kvs[0]?.createRevision !== keys[i]?.createRevision);
}
