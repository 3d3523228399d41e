// A snapshot of the whole key-value map as of sequence number `seq`, written atomically:
// a temporary file is written and fsynced, renamed over its final name, and the directory is
// fsynced — so after a crash there is either the complete new snapshot or none.
//
//   u32 LE  CRC32C of everything after it
//   u64 LE  seq
//   …       codec (msgpack) of the [key, value] pairs in key order
//
// Fault model: a crash at any point leaves at most a stray temporary file (ignored and
// removed on the next snapshot); a corrupt snapshot is detected by its checksum.

import { open, readFile, rename, rm } from 'node:fs/promises';
import { crc32c } from '@node-rs/crc32';
import { decode, encode } from '../../core/codec.js';
import { pathIn, snapshotName, syncDirectory } from './files.js';

export async function writeSnapshot(
  dir: string,
  seq: number,
  entries: readonly (readonly [string, unknown])[],
): Promise<string> {
  const payload = encode(entries);
  const buf = Buffer.alloc(12 + payload.length);
  buf.writeBigUInt64LE(BigInt(seq), 4);
  buf.set(payload, 12);
  buf.writeUInt32LE(crc32c(buf.subarray(4)), 0);
  const name = snapshotName(seq);
  const tmp = pathIn(dir, `${name}.tmp`);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(buf);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, pathIn(dir, name));
  await syncDirectory(dir);
  return name;
}

export type SnapshotRead =
  | { readonly ok: true; readonly seq: number; readonly entries: [string, unknown][] }
  | { readonly ok: false; readonly why: string };

export async function readSnapshot(dir: string, name: string): Promise<SnapshotRead> {
  const buf = await readFile(pathIn(dir, name));
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

export async function removeFiles(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) await rm(pathIn(dir, name), { force: true });
  if (names.length > 0) await syncDirectory(dir);
}
