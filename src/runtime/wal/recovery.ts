// Opening a WAL directory: the newest valid snapshot, then every later step record in order
// (the replay itself is the pure `replaySegment` of core/step-record.ts, shared with the simulator).
//
// - A torn tail — the last segment ends in a record that is short or fails its checksum,
//   with no valid record after it — is what a crash mid-write leaves: the tail is cut off
//   and reported, and the log goes on from the last good record. Since a record is a whole
//   step, the state recovered is always the state between two steps.
// - Anything else that fails to read — a bad record with valid records after it, in a
//   segment that is not the last, a gap in the sequence numbers, a corrupt newest snapshot,
//   a record of an older format — is corruption: opening refuses with WalCorruptionError
//   naming the file and byte offset, unless `repair` is set, in which case the log is cut at
//   the first bad byte (later segments removed) and what was dropped is reported.
//
// Fault model: crashes at any instant (torn tails, stray temporary files, removed here) and
// bit flips; a failing file operation rejects with WalIoError (wal-fs.ts).

import { crc32c } from '@node-rs/crc32';
import { type ReplayState, replaySegment } from '../../core/step-record.js';
import { listWalFiles, pathIn } from './files.js';
import { readSnapshot, removeFiles } from './snapshot.js';
import type { WalFs } from './wal-fs.js';

export class WalCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly why: string,
  ) {
    // The remedy is the host's to name (`cohort node --repair` opens with `repair`).
    super(`write-ahead log corrupt: ${file} at byte ${offset} (${why})`);
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

async function loadSnapshot(fs: WalFs, dir: string, repair: boolean, warnings: string[]) {
  const { snapshots } = await listWalFiles(fs, dir);
  for (const [i, snap] of snapshots.entries()) {
    const read = await readSnapshot(fs, dir, snap.name);
    if (read.ok) return { seq: read.seq, map: new Map(read.entries) };
    if (i === 0 && !repair) throw new WalCorruptionError(snap.name, 0, read.why);
    warnings.push(`snapshot ${snap.name} unreadable (${read.why}): ignored`);
  }
  return { seq: 0, map: new Map<string, unknown>() };
}

export async function recover(fs: WalFs, dir: string, repair: boolean): Promise<Recovered> {
  const warnings: string[] = [];
  // A snapshot interrupted by a crash or a full disk: its space is needed back.
  const stale = (await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'));
  await removeFiles(fs, dir, stale);
  const snapshot = await loadSnapshot(fs, dir, repair, warnings);
  const state: ReplayState = { map: snapshot.map, lastSeq: snapshot.seq };
  const done = (tail: Recovered['tail']): Recovered => ({
    map: state.map,
    lastSeq: state.lastSeq,
    tail,
    snapshotSeq: snapshot.seq,
    warnings,
  });
  const { segments } = await listWalFiles(fs, dir);
  for (const [i, seg] of segments.entries()) {
    const buf = await fs.readFile(pathIn(dir, seg.name));
    const isLast = i === segments.length - 1;
    const r = replaySegment(buf, state, { isLast, crc: crc32c });
    if (r.bad === undefined) {
      if (isLast) return done({ name: seg.name, bytes: buf.length });
      continue;
    }
    const { why, tornTail } = r.bad;
    if (!tornTail && !repair) throw new WalCorruptionError(seg.name, r.end, why);
    const later = segments.slice(i + 1).map((s) => s.name);
    warnings.push(
      `${seg.name}: ${tornTail ? 'torn tail' : 'corruption'} at byte ${r.end} (${why}); ` +
        `cut ${buf.length - r.end} bytes${later.length > 0 ? ` and ${later.join(', ')}` : ''}`,
    );
    await fs.truncate(pathIn(dir, seg.name), r.end);
    await removeFiles(fs, dir, later);
    return done({ name: seg.name, bytes: r.end });
  }
  return done(null);
}
