// Which `DurableStorage` a real node uses: the write-ahead log in its data directory
// (the default), or memory for throwaway runs (a restart then starts empty).
//
// Fault model: a corrupt log is bad usage (start with --repair); a failing disk (ENOSPC,
// EIO, EROFS …) is a WalIoError, which `storageFailure` turns into the node's one fatal line.

import type { Logger } from 'pino';
import { SegmentIoError } from '../comm/broker/record-segments.js';
import type { DurableStorage } from '../runtime/durable-storage.js';
import { MemoryStorage } from '../runtime/memory-storage.js';
import { openWalStorage, WalCorruptionError, WalIoError } from '../runtime/wal/index.js';
import { UsageError } from './usage-error.js';

export type StorageKind = 'wal' | 'memory';

/** After a storage failure the node stops within this, even if closing something hangs. */
export const STORAGE_STOP_DEADLINE_MS = 10_000;

export async function openStorage(
  kind: StorageKind,
  dir: string | undefined,
  log: Logger,
  repair = false,
): Promise<DurableStorage> {
  if (kind === 'memory') return new MemoryStorage();
  if (dir === undefined) throw new UsageError('--data-dir is required with --storage wal');
  try {
    return await openWalStorage(dir, {
      repair,
      onWarning: (text) => log.warn({ dir }, `write-ahead log recovery: ${text}`),
    });
  } catch (error) {
    if (error instanceof WalCorruptionError) {
      throw new UsageError(
        `${error.message}; start with --repair to cut the log there (later records are dropped)`,
      );
    }
    throw error;
  }
}

/**
 * The one fatal log line for a failed disk (the WAL's or the broker's record segments'), or
 * undefined when `error` is not one. `what` names the process that stopped.
 */
export function storageFailure(error: unknown, what = 'node'): string | undefined {
  if (!(error instanceof WalIoError) && !(error instanceof SegmentIoError)) return undefined;
  return `storage failed: ${error.message}; ${what} stopped`;
}
