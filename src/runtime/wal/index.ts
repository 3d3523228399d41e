// The write-ahead log behind the real runtime's storage (issue 9): segments of checksummed
// records, group commit, torn-tail recovery, corruption detection, atomic snapshots.

export { WalCorruptionError } from './recovery.js';
export { type WalOptions, WalStorage } from './wal-storage.js';

import { type WalOptions, WalStorage } from './wal-storage.js';

export function openWalStorage(dir: string, options: WalOptions = {}): Promise<WalStorage> {
  return WalStorage.open(dir, options);
}
