// A snapshot of the whole key-value map as of sequence number `seq`, written atomically:
// a temporary file is written and fsynced, renamed over its final name, and the directory is
// fsynced — so after a crash there is either the complete new snapshot or none.
//
//   u32 LE  CRC32C of everything after it
//   u64 LE  seq
//   …       codec (msgpack) of the [key, value] pairs in key order
//
// Fault model: a crash at any point leaves at most a stray temporary file (ignored and
// removed on the next snapshot); a corrupt snapshot is detected by its checksum; a failing
// file operation rejects with WalIoError (wal-fs.ts).

import { crc32c } from '@node-rs/crc32';
import { decode } from '../../core/codec.js';
import { pathIn, snapshotName, syncDirectory } from './files.js';
import { type WalFs, writeAll } from './wal-fs.js';

/** Writes the snapshot whose payload is `entries` (encodeEntries of the sorted map). */
export async function writeSnapshot(
  fs: WalFs,
  dir: string,
  seq: number,
  entries: Uint8Array,
): Promise<string> {
  const buf = Buffer.alloc(12 + entries.length);
  buf.writeBigUInt64LE(BigInt(seq), 4);
  buf.set(entries, 12);
  buf.writeUInt32LE(crc32c(buf.subarray(4)), 0);
  const name = snapshotName(seq);
  const tmp = pathIn(dir, `${name}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await writeAll(handle, tmp, buf);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, pathIn(dir, name));
  await syncDirectory(fs, dir);
  return name;
}

export type SnapshotRead =
  | { readonly ok: true; readonly seq: number; readonly entries: [string, unknown][] }
  | { readonly ok: false; readonly why: string };

export async function readSnapshot(fs: WalFs, dir: string, name: string): Promise<SnapshotRead> {
  const bytes = await fs.readFile(pathIn(dir, name));
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12) return { ok: false, why: 'short file' };
  if (crc32c(buf.subarray(4)) !== buf.readUInt32LE(0))
    return { ok: false, why: 'checksum mismatch' };
  try {
    const entries = decode<[string, unknown][]>(buf.subarray(12));
    if (!Array.isArray(entries)) return { ok: false, why: 'not a list of entries' };
    return { ok: true, seq: Number(buf.readBigUInt64LE(4)), entries };
  } catch {
    return { ok: false, why: 'undecodable payload' };
  }
}

export async function removeFiles(fs: WalFs, dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) await fs.rm(pathIn(dir, name));
  if (names.length > 0) await syncDirectory(fs, dir);
}
