// Which `DurableStorage` a real node uses: the write-ahead log in its data directory
// (the default), or memory for throwaway runs (a restart then starts empty).

import type { Logger } from 'pino';
import type { DurableStorage } from '../runtime/durable-storage.js';
import { MemoryStorage } from '../runtime/memory-storage.js';
import { openWalStorage, WalCorruptionError } from '../runtime/wal/index.js';
import { UsageError } from './usage-error.js';

export type StorageKind = 'wal' | 'memory';

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
    if (error instanceof WalCorruptionError) throw new UsageError(error.message);
    throw error;
  }
}
