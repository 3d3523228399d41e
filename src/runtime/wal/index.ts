// The write-ahead log behind the real runtime's storage (issue 9): segments of checksummed
// step records (one per step: a step is atomic on disk), group commit, torn-tail recovery,
// corruption detection, atomic snapshots, typed I/O failures (issue 14).

export { WalCorruptionError } from './recovery.js';
export { nodeWalFs, type WalFile, type WalFs, WalIoError } from './wal-fs.js';
export { type WalOptions, WalStorage } from './wal-storage.js';

import { type WalOptions, WalStorage } from './wal-storage.js';

export function openWalStorage(dir: string, options: WalOptions = {}): Promise<WalStorage> {
  return WalStorage.open(dir, options);
}
