// The WAL directory: segments `seg-<first seq, 20 digits>.wal` and snapshots
// `snap-<last seq, 20 digits>.bin`; zero-padded so names sort in log order. New and renamed
// files are made durable by syncing the directory itself (POSIX: fsync on the file is not
// enough for its directory entry).
//
// Fault model: see wal-fs.ts (every operation may fail; failures are typed and permanent).

import { join } from 'node:path';
import type { WalFs } from './wal-fs.js';

const SEGMENT = /^seg-(\d{20})\.wal$/;
const SNAPSHOT = /^snap-(\d{20})\.bin$/;

export const segmentName = (firstSeq: number) => `seg-${String(firstSeq).padStart(20, '0')}.wal`;
export const snapshotName = (seq: number) => `snap-${String(seq).padStart(20, '0')}.bin`;

export interface WalFiles {
  /** Segments in log order, with the first sequence number each may hold. */
  readonly segments: readonly { readonly name: string; readonly firstSeq: number }[];
  /** Snapshots, newest first, with the last sequence number each covers. */
  readonly snapshots: readonly { readonly name: string; readonly seq: number }[];
}

export async function listWalFiles(fs: WalFs, dir: string): Promise<WalFiles> {
  const names = (await fs.readdir(dir)).sort();
  const segments = names.flatMap((name) => {
    const m = SEGMENT.exec(name);
    return m === null ? [] : [{ name, firstSeq: Number(m[1]) }];
  });
  const snapshots = names
    .flatMap((name) => {
      const m = SNAPSHOT.exec(name);
      return m === null ? [] : [{ name, seq: Number(m[1]) }];
    })
    .reverse();
  return { segments, snapshots };
}

export async function syncDirectory(fs: WalFs, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const pathIn = (dir: string, name: string) => join(dir, name);
