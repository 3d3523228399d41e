// Where records go once they have been in the WAL's map long enough: append-only segment files
// per partition (`<dir>/t-<topic>/<partition>/<first offset>.rec`), read back on demand, so
// the broker's memory holds only the newest records (the WAL's map keeps every value it
// holds). The host (broker.ts) moves records here in order: it appends them, fsyncs, and only
// then runs the WAL step that deletes them from the map and raises the partition's
// archived-through mark (keys.ts: f/…) — so every record is always in one durable place.
//
// A frame: u32 body length, u32 CRC32C of the body; body: f64 offset, f64 timestamp, i32 key
// length (-1: no key), the key (UTF-8), the value.
//
// Costs: the tail segment stays open for appending (O_DSYNC where the platform has it, so an
// append is one write system call), frames are built in one buffer reused by every append, and
// reads go through a read-ahead block per segment (a consumer reads offsets in order: one
// pread serves the next records, which are views into the block).
//
// Fault model: the process may die at any instant. A crash after the append but before the
// WAL step leaves records past the mark: open() cuts every partition back to its mark (and
// a torn or corrupt tail with it). Below the mark the frames were fsynced before the mark was
// written; a frame that fails its CRC there is disk corruption and fails the open. Reads are
// synchronous (pread, from the page cache when recent); any I/O error is thrown to the host,
// which fails the broker.

import { closeSync, constants, openSync, readSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { assert } from '../../core/assert.js';
import type { StoredRecord } from './keys.js';

const HEADER = 8;
const BODY_FIXED = 20;
const SEGMENT_BYTES = 64 * 1024 * 1024;
/** Bytes one read brings in (the records after the one asked for come with it). */
const READ_AHEAD_BYTES = 256 * 1024;
const MAX_SCRATCH_BYTES = 16 * 1024 * 1024;
/** Appends with O_DSYNC: the write returns once durable (not on Windows: write + fdatasync). */
const DSYNC = constants.O_DSYNC as number | undefined;
const APPEND_FLAGS =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (DSYNC === undefined ? 0 : DSYNC);

export interface ArchivedRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly time: number;
}

/** What recovery learns of an archived record (for the partition's index). */
export interface ArchivedEntry {
  readonly offset: number;
  readonly size: number;
  readonly time: number;
}

interface Segment {
  readonly base: number;
  readonly path: string;
  /** File position of each record, base + i; `end` after the last. */
  readonly positions: number[];
  end: number;
  /** For reads, opened on the first. */
  fd: number | undefined;
  /** The tail segment's append handle, while it is the tail. */
  appender?: FileHandle | undefined;
  /** The last read-ahead block: file bytes from `at`. */
  block?: { at: number; bytes: Buffer } | undefined;
}

export class ArchiveCorruptionError extends Error {}

const segName = (base: number) => `${String(base).padStart(16, '0')}.rec`;
const partDir = (dir: string, topic: string, p: number) => join(dir, `t-${topic}`, String(p));

const frameBytes = (r: ArchivedRecord) =>
  HEADER + BODY_FIXED + (r.key === null ? 0 : Buffer.byteLength(r.key, 'utf8')) + r.value.length;

/** Writes the records' frames into `into` (grown when short): one copy of each value. */
function frames(
  records: readonly ArchivedRecord[],
  into: Buffer,
): { bytes: Buffer; ends: number[] } {
  const sizes = records.map(frameBytes);
  const total = sizes.reduce((x, y) => x + y, 0);
  const bytes = (total <= into.length ? into : Buffer.allocUnsafe(total)).subarray(0, total);
  const ends: number[] = [];
  let at = 0;
  records.forEach((r, i) => {
    const end = at + (sizes[i] as number);
    bytes.writeUInt32LE(end - at - HEADER, at);
    bytes.writeDoubleLE(r.offset, at + 8);
    bytes.writeDoubleLE(r.time, at + 16);
    let v = at + HEADER + BODY_FIXED;
    if (r.key === null) bytes.writeInt32LE(-1, at + 24);
    else {
      const n = bytes.write(r.key, v, 'utf8');
      bytes.writeInt32LE(n, at + 24);
      v += n;
    }
    bytes.set(r.value, v);
    bytes.writeUInt32LE(crc32c(bytes.subarray(at + HEADER, end)), at + 4);
    ends.push(end);
    at = end;
  });
  return { bytes, ends };
}

/** The record in a whole frame's body (its CRC already checked). */
function unframe(body: Buffer): ArchivedRecord {
  const keyLen = body.readInt32LE(16);
  const keyEnd = BODY_FIXED + Math.max(0, keyLen);
  return {
    offset: body.readDoubleLE(0),
    time: body.readDoubleLE(8),
    key: keyLen < 0 ? null : body.toString('utf8', BODY_FIXED, keyEnd),
    value: body.subarray(keyEnd),
  };
}

export class RecordArchive {
  /** `${topic}/${partition}` → its segments, oldest first. */
  private readonly parts = new Map<string, Segment[]>();
  /** Per partition, the one segment holding a read-ahead block (memory: one block each). */
  private readonly blockHolders = new Map<string, Segment>();
  private scanned = new Map<string, ArchivedEntry[]>();
  /** Frames are built here (appends are not concurrent: the host runs one at a time). */
  private scratch: Buffer = Buffer.allocUnsafe(0);
  private appending = false;

  private constructor(private readonly dir: string) {}

  /**
   * Opens the archive, cutting each partition back to `through(topic, partition)` (its
   * archived-through mark in the WAL; 0 or absent: nothing of it is archived).
   */
  static async open(
    dir: string,
    through: (topic: string, partition: number) => number,
  ): Promise<RecordArchive> {
    const a = new RecordArchive(dir);
    await mkdir(dir, { recursive: true });
    for (const t of await readdir(dir)) {
      if (!t.startsWith('t-')) continue;
      for (const p of await readdir(join(dir, t))) {
        const topic = t.slice(2);
        await a.recoverPartition(topic, Number(p), through(topic, Number(p)));
      }
    }
    return a;
  }

  /** Recovery's view of what a partition has archived (once; then forgotten). */
  takeEntries(topic: string, partition: number): ArchivedEntry[] {
    const id = `${topic}/${partition}`;
    const out = this.scanned.get(id) ?? [];
    this.scanned.delete(id);
    return out;
  }

  /** Appends records (ascending offsets, after every archived one) and fsyncs them. */
  async append(topic: string, partition: number, records: readonly ArchivedRecord[]) {
    if (records.length === 0) return;
    const id = `${topic}/${partition}`;
    const segs = this.parts.get(id) ?? [];
    this.parts.set(id, segs);
    const last = segs[segs.length - 1];
    const first = records[0] as ArchivedRecord;
    // A segment's offsets are contiguous (position i is offset base + i): after a gap (retention
    // deleted records before they were archived) a new segment starts.
    const fresh =
      last === undefined || last.end >= SEGMENT_BYTES || lastOf(last) + 1 !== first.offset;
    const tail: Segment = fresh
      ? {
          base: first.offset,
          path: join(partDir(this.dir, topic, partition), segName(first.offset)),
          positions: [],
          end: 0,
          fd: undefined,
        }
      : last;
    assert(!this.appending, 'one archive append at a time');
    this.appending = true;
    try {
      if (fresh) {
        await mkdir(partDir(this.dir, topic, partition), { recursive: true });
        await last?.appender?.close();
        if (last !== undefined) last.appender = undefined;
      }
      const { bytes, ends } = frames(records, this.scratch);
      // A buffer grown for this append is kept for the next (bounded: chunks are a few MiB).
      if (bytes.buffer !== this.scratch.buffer && bytes.length <= MAX_SCRATCH_BYTES)
        this.scratch = bytes;
      tail.appender ??= await open(tail.path, APPEND_FLAGS);
      const handle = tail.appender;
      for (let done = 0; done < bytes.length; ) {
        const n = (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
        if (n <= 0) throw new Error(`${tail.path}: a write made no progress`);
        done += n;
      }
      if (DSYNC === undefined) await handle.datasync();
      if (fresh) {
        await syncDir(partDir(this.dir, topic, partition));
        segs.push(tail);
      }
      this.extend(tail, ends);
    } finally {
      this.appending = false;
    }
  }

  /** The frames just appended (ending at `ends` within the append) are readable. */
  private extend(tail: Segment, ends: readonly number[]): void {
    // Readable only now that they are durable (the host deletes them from the map next).
    const base = tail.end;
    let at = 0;
    for (const end of ends) {
      tail.positions.push(base + at);
      at = end;
    }
    tail.end = base + at;
  }

  /** The archived record at `offset`, if the archive has it. */
  read(topic: string, partition: number, offset: number): StoredRecord | undefined {
    const segs = this.parts.get(`${topic}/${partition}`);
    if (segs === undefined) return undefined;
    let seg: Segment | undefined;
    for (let i = segs.length - 1; i >= 0; i--)
      if ((segs[i] as Segment).base <= offset) {
        seg = segs[i];
        break;
      }
    const i = seg === undefined ? -1 : offset - seg.base;
    if (seg === undefined || i >= seg.positions.length) return undefined;
    const holder = this.blockHolders.get(`${topic}/${partition}`);
    if (holder !== seg) {
      if (holder !== undefined) holder.block = undefined;
      this.blockHolders.set(`${topic}/${partition}`, seg);
    }
    const at = seg.positions[i] as number;
    const to = seg.positions[i + 1] ?? seg.end;
    const b = this.bytesOf(seg, at, to);
    if (crc32c(b.subarray(HEADER)) !== b.readUInt32LE(4))
      throw new ArchiveCorruptionError(`${seg.path}: bad record at ${at}`);
    const r = unframe(b.subarray(HEADER));
    // A copy: a view would keep the whole read-ahead block alive while the record is in use.
    return { k: r.key, v: Buffer.from(r.value), t: r.time };
  }

  /**
   * The segment's bytes [at, to), from its read-ahead block or a new one read from `at` (the
   * bytes below `seg.end` never change: the file only grows, and only durable frames count).
   */
  private bytesOf(seg: Segment, at: number, to: number): Buffer {
    const k = seg.block;
    if (k !== undefined && k.at <= at && to <= k.at + k.bytes.length)
      return k.bytes.subarray(at - k.at, to - k.at);
    seg.fd ??= openSync(seg.path, 'r');
    const b = Buffer.allocUnsafe(Math.max(to - at, Math.min(READ_AHEAD_BYTES, seg.end - at)));
    if (readSync(seg.fd, b, 0, b.length, at) !== b.length)
      throw new ArchiveCorruptionError(`${seg.path}: short read at ${at}`);
    seg.block = { at, bytes: b };
    return b.subarray(0, to - at);
  }

  /** Removes the segments that hold only offsets below `start` (retention deleted them). */
  async dropBelow(topic: string, partition: number, start: number): Promise<void> {
    const segs = this.parts.get(`${topic}/${partition}`) ?? [];
    while (segs.length > 0 && lastOf(segs[0] as Segment) < start) {
      const s = segs.shift() as Segment;
      if (this.blockHolders.get(`${topic}/${partition}`) === s)
        this.blockHolders.delete(`${topic}/${partition}`);
      if (s.fd !== undefined) closeSync(s.fd);
      await s.appender?.close();
      await rm(s.path, { force: true });
    }
  }

  async close(): Promise<void> {
    for (const segs of this.parts.values())
      for (const s of segs) {
        if (s.fd !== undefined) closeSync(s.fd);
        await s.appender?.close().catch(() => {});
      }
    this.parts.clear();
  }

  private async recoverPartition(topic: string, p: number, through: number): Promise<void> {
    const dir = partDir(this.dir, topic, p);
    const names = (await readdir(dir)).filter((n) => n.endsWith('.rec')).sort();
    const segs: Segment[] = [];
    const entries: ArchivedEntry[] = [];
    for (const name of names) {
      const path = join(dir, name);
      const base = Number(name.slice(0, -4));
      if (base >= through) {
        await rm(path, { force: true }); // Written after the last mark: not archived.
        continue;
      }
      const seg: Segment = { base, path, positions: [], end: 0, fd: undefined };
      const bytes = Buffer.from(await readFile(path));
      while (seg.end + HEADER <= bytes.length) {
        const len = bytes.readUInt32LE(seg.end);
        const body = bytes.subarray(seg.end + HEADER, seg.end + HEADER + len);
        if (body.length < len || crc32c(body) !== bytes.readUInt32LE(seg.end + 4)) break;
        const r = unframe(body);
        if (r.offset >= through) break;
        seg.positions.push(seg.end);
        entries.push({ offset: r.offset, size: r.value.length, time: r.time });
        seg.end += HEADER + len;
      }
      if (seg.end < bytes.length) await truncate(path, seg.end);
      if (seg.positions.length > 0) segs.push(seg);
      else await rm(path, { force: true });
    }
    const last = entries[entries.length - 1];
    if (through > 0 && (last === undefined || last.offset < through - 1) && entries.length > 0)
      throw new ArchiveCorruptionError(
        `${dir}: records below the archived mark ${through} missing`,
      );
    this.parts.set(`${topic}/${p}`, segs);
    this.scanned.set(`${topic}/${p}`, entries);
  }
}

const lastOf = (s: Segment) => s.base + s.positions.length - 1;

async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
