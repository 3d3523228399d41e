// Opening a WAL directory: the newest valid snapshot, then every later record in order.
//
// - A torn tail — the last segment ends in a record that is short or fails its checksum,
//   with no valid record after it — is what a crash mid-write leaves: the tail is cut off
//   and reported, and the log goes on from the last good record.
// - Anything else that fails to read — a bad record with valid records after it, in a
//   segment that is not the last, a gap in the sequence numbers, a corrupt newest snapshot —
//   is corruption: opening refuses with WalCorruptionError naming the file and byte offset,
//   unless `repair` is set, in which case the log is cut at the first bad byte (later
//   segments removed) and what was dropped is reported.
//
// Fault model: crashes at any instant (torn tails, stray temporary files) and bit flips.

import { readFile, truncate } from 'node:fs/promises';
import { listWalFiles, pathIn } from './files.js';
import { readRecord, validRecordAfter, type WalRecord } from './record.js';
import { readSnapshot, removeFiles } from './snapshot.js';

export class WalCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly why: string,
  ) {
    super(
      `write-ahead log corrupt: ${file} at byte ${offset} (${why}); ` +
        'start with --repair to cut the log there (later records are dropped)',
    );
    this.name = 'WalCorruptionError';
  }
}

export interface Recovered {
  readonly map: Map<string, unknown>;
  /** The last sequence number recovered (0 for an empty log). */
  readonly lastSeq: number;
  /** The segment to append to and its length after recovery, or null to start a new one. */
  readonly tail: { readonly name: string; readonly bytes: number } | null;
  readonly snapshotSeq: number;
  /** What recovery cut away, for the log. */
  readonly warnings: readonly string[];
}

function apply(map: Map<string, unknown>, r: WalRecord): void {
  if (r.op[0] === 'set') map.set(r.op[1], r.op[2]);
  else map.delete(r.op[1]);
}

async function loadSnapshot(dir: string, repair: boolean, warnings: string[]) {
  const { snapshots } = await listWalFiles(dir);
  for (const [i, snap] of snapshots.entries()) {
    const read = await readSnapshot(dir, snap.name);
    if (read.ok) return { seq: read.seq, map: new Map(read.entries) };
    if (i === 0 && !repair) throw new WalCorruptionError(snap.name, 0, read.why);
    warnings.push(`snapshot ${snap.name} unreadable (${read.why}): ignored`);
  }
  return { seq: 0, map: new Map<string, unknown>() };
}

export async function recover(dir: string, repair: boolean): Promise<Recovered> {
  const warnings: string[] = [];
  const snapshot = await loadSnapshot(dir, repair, warnings);
  const map = snapshot.map;
  let lastSeq = snapshot.seq;
  let tail: Recovered['tail'] = null;
  const { segments } = await listWalFiles(dir);
  for (const [i, seg] of segments.entries()) {
    const buf = await readFile(pathIn(dir, seg.name));
    const isLast = i === segments.length - 1;
    let offset = 0;
    let bad: string | undefined;
    for (;;) {
      const r = readRecord(buf, offset);
      if (r.kind === 'end') break;
      if (r.kind === 'bad') {
        bad = r.why;
        break;
      }
      const { seq } = r.record;
      if (seq > lastSeq + 1) {
        bad = `sequence gap: ${lastSeq} then ${seq}`;
        break;
      }
      if (seq === lastSeq + 1) {
        apply(map, r.record);
        lastSeq = seq;
      } // Else already in the snapshot (its segment outlived a crash before removal).
      offset = r.next;
    }
    if (bad !== undefined) {
      const torn = isLast && !validRecordAfter(buf, offset, lastSeq);
      if (!torn && !repair) throw new WalCorruptionError(seg.name, offset, bad);
      const later = segments.slice(i + 1).map((s) => s.name);
      warnings.push(
        `${seg.name}: ${torn ? 'torn tail' : 'corruption'} at byte ${offset} (${bad}); ` +
          `cut ${buf.length - offset} bytes${later.length > 0 ? ` and ${later.join(', ')}` : ''}`,
      );
      await truncate(pathIn(dir, seg.name), offset);
      await removeFiles(dir, later);
      return {
        map,
        lastSeq,
        tail: { name: seg.name, bytes: offset },
        snapshotSeq: snapshot.seq,
        warnings,
      };
    }
    if (isLast) tail = { name: seg.name, bytes: buf.length };
  }
  return { map, lastSeq, tail, snapshotSeq: snapshot.seq, warnings };
}
