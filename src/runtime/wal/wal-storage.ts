// The real runtime's DurableStorage: an in-memory map whose changes are recorded in the
// write-ahead log one STEP at a time. `set`/`delete` apply to the map at once (the step reads
// its own writes) and encode the operation; `endStep()` seals the step's operations into ONE
// record (core/step-record.ts), so recovery restores whole steps only; `sync()` resolves once
// every sealed step is on disk. One writer loop writes whatever is sealed and fsyncs once
// for every sync() that arrived meanwhile (group commit: many steps per fsync). Segments are
// opened O_DSYNC where the platform has it (wal-fs.ts), so a round's write is its fsync: one
// system call, one thread-pool job per round. Segments roll
// at `segmentBytes`; once `snapshotBytes` of log follow the last snapshot, the map is
// snapshotted atomically and the segments it covers are removed.
//
// Each operation is encoded once, on `set`/`delete`, straight into the buffer the next round
// writes (strings without the codec's allocation), and `endStep` only adds the record header
// and CRC: the CPU work of a write is done by its writer, none of it between the fsync that
// ends a round and the write that starts the next. The map keeps an object value as the
// bytes it was encoded to (Packed: compact, and no decode on `set`); `get` decodes a fresh
// copy, so callers never share what is stored.
//
// Fault model: the process may be killed at any instant. Every step whose sync() resolved
// survives; a step is never half-present; writes never sealed (a step that threw) never
// reach the disk. A torn last record is cut on the next open (recovery.ts); bit flips
// elsewhere stop the open with WalCorruptionError unless repairing. Short writes are
// completed; any failed file operation (ENOSPC, EIO, EROFS …) fails the storage for good:
// every pending and later sync() rejects with that WalIoError, and close() still returns.

import { crc32c } from '@node-rs/crc32';
import { decode, encode, roundTrip } from '../../core/codec.js';
import { newRound, type Round } from '../../core/round.js';
import {
  deleteOpRoom,
  isWellFormed,
  MAX_PAYLOAD_BYTES,
  putDeleteOp,
  putSetOp,
  SEAL_SLACK_BYTES,
  STEP_START_BYTES,
  sealStep,
  setOpRoom,
} from '../../core/step-record.js';
import type { DurableStorage } from '../durable-storage.js';
import { listWalFiles, pathIn, segmentName, syncDirectory } from './files.js';
import { recover } from './recovery.js';
import { removeFiles, writeSnapshot } from './snapshot.js';
import { guardedFs, nodeWalFs, type WalFile, type WalFs, writeAll } from './wal-fs.js';

export interface WalOptions {
  /** Roll to a new segment file beyond this size. */
  readonly segmentBytes?: number;
  /** Snapshot once this much log follows the last snapshot (0: never). */
  readonly snapshotBytes?: number;
  /** Cut the log at corruption instead of refusing to open. */
  readonly repair?: boolean;
  /** Called with what recovery cut away. */
  readonly onWarning?: (text: string) => void;
  /** The file operations (tests inject faults here); node:fs/promises by default. */
  readonly fs?: WalFs;
}

/**
 * An object value as the map keeps it: its encoding (a view into the codec's slab, which is
 * never reused). Smaller than the object, and decoded only when read.
 */
class Packed {
  constructor(readonly bytes: Uint8Array) {}
}

/** The value the map holds for `key`, decoded (a snapshot writes values, not their bytes). */
function unpacked(value: unknown): unknown {
  return value instanceof Packed ? decode(value.bytes) : value;
}

/** Whether the codec gives `value` back unchanged, so the map may keep it without a copy. */
function isExact(value: unknown): boolean {
  // Strings are immutable (a lone surrogate would come back as U+FFFD: not exact).
  if (typeof value === 'string') return isWellFormed(value);
  if (typeof value === 'number') return !Object.is(value, -0); // -0 comes back as 0.
  return typeof value === 'boolean' || value === null;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Sealed records collect in a reused buffer of at least this size (two: one being written). */
const SEAL_BUFFER_BYTES = 1024 * 1024;

export class WalStorage implements DurableStorage {
  /** fsyncs done so far (tests and the benchmark read it). */
  fsyncs = 0;
  /**
   * Sealed records the writer has not taken yet: `sealedBytes` bytes of `sealed`. The step
   * under way follows them: its `stepOps` operations are encoded into `sealed` as they are
   * made (from sealedBytes + STEP_START_BYTES to `stepEnd`), and `endStep` writes the record
   * header before them. The writer takes the buffer whole and hands it back (`spare`) once
   * written, so operations are encoded straight into the bytes that go to the disk: no
   * allocation or copy per step, and none of this work waits for the disk's round.
   */
  private sealed: Uint8Array = new Uint8Array(SEAL_BUFFER_BYTES);
  private sealedBytes = 0;
  private stepOps = 0;
  private stepEnd = 0;
  private spare: Uint8Array | undefined;
  /** The round being written (it covers steps up to `writingSeq`) and the one after it. */
  private writing: Round | undefined;
  private writingSeq = 0;
  private next: Round | undefined;
  /** The writer loop while it runs (it may still be rolling a segment after waking syncs). */
  private running: Promise<void> | undefined;
  private failed: unknown;
  private closed = false;
  private durableSeq: number;
  private logBytes = 0;

  private constructor(
    private readonly fs: WalFs,
    private readonly dir: string,
    private readonly map: Map<string, unknown>,
    private seq: number,
    private segment: { name: string; file: WalFile; bytes: number },
    private readonly o: { readonly segmentBytes: number; readonly snapshotBytes: number },
  ) {
    this.durableSeq = seq;
  }

  /** Opens (recovering) the WAL in `dir`; a file-system failure rejects with WalIoError. */
  static async open(dir: string, options: WalOptions = {}): Promise<WalStorage> {
    const fs = guardedFs(options.fs ?? nodeWalFs);
    await fs.mkdir(dir);
    const r = await recover(fs, dir, options.repair === true);
    for (const w of r.warnings) options.onWarning?.(w);
    const name = r.tail?.name ?? segmentName(r.lastSeq + 1);
    const file = await fs.open(pathIn(dir, name), 'a');
    try {
      if (r.tail === null) await syncDirectory(fs, dir);
    } catch (error) {
      await file.close().catch(() => {});
      throw error;
    }
    const o = {
      segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
      snapshotBytes: options.snapshotBytes ?? 256 * 1024 * 1024,
    };
    return new WalStorage(fs, dir, r.map, r.lastSeq, { name, file, bytes: r.tail?.bytes ?? 0 }, o);
  }

  get<T>(key: string): T | undefined {
    const value = this.map.get(key);
    if (value instanceof Packed) return decode<T>(value.bytes);
    // Primitives are immutable; objects (as recovery decoded them) go out as copies, so
    // callers cannot change the map.
    return (typeof value === 'object' && value !== null ? roundTrip(value) : value) as T;
  }

  set(key: string, value: unknown): void {
    this.checkWritable();
    if (isExact(value)) {
      this.map.set(key, value);
      // A string goes straight into the record; other primitives are a few bytes.
      const encoded = typeof value === 'string' ? value : encode(value);
      const at = this.opAt(setOpRoom(key, encoded)); // First: it may replace `sealed`.
      this.stepEnd = putSetOp(this.sealed, at, key, encoded);
    } else {
      // Encoded once: the same bytes go into the record and stay in the map.
      const bytes = encode(value);
      this.map.set(key, new Packed(bytes));
      const at = this.opAt(setOpRoom(key, bytes));
      this.stepEnd = putSetOp(this.sealed, at, key, bytes);
    }
    this.stepOps += 1;
  }

  delete(key: string): void {
    this.checkWritable();
    this.map.delete(key);
    const at = this.opAt(deleteOpRoom(key));
    this.stepEnd = putDeleteOp(this.sealed, at, key);
    this.stepOps += 1;
  }

  keys(prefix = ''): string[] {
    const out: string[] = [];
    for (const k of this.map.keys()) if (k.startsWith(prefix)) out.push(k);
    return out.sort();
  }

  endStep(): void {
    if (this.stepOps === 0) return;
    this.checkWritable();
    // The payload is the operations and an array header of at most 5 bytes.
    const bytes = this.stepEnd - this.sealedBytes - STEP_START_BYTES + 5;
    if (bytes > MAX_PAYLOAD_BYTES)
      throw new Error(`a step wrote ${bytes} bytes; the limit is ${MAX_PAYLOAD_BYTES}`);
    this.seq += 1;
    const step = { seq: this.seq, opCount: this.stepOps };
    this.sealedBytes = sealStep(this.sealed, this.sealedBytes, this.stepEnd, step, crc32c);
    this.stepOps = 0;
  }

  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    return this.syncSealed();
  }

  /**
   * Writes what is sealed and releases the files; writes never sealed are dropped. After a
   * failure it neither writes nor throws: it only lets go of the files.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stepOps = 0;
    const failedBefore = this.failed !== undefined;
    let flushError: unknown;
    if (!failedBefore) await this.syncSealed().catch((e: unknown) => (flushError = e));
    // The loop may still be rolling the segment or snapshotting; close what it ends with.
    await this.running;
    const closing = this.segment.file.close();
    if (failedBefore) return closing.catch(() => {});
    if (flushError !== undefined) {
      await closing.catch(() => {});
      throw flushError;
    }
    await closing;
  }

  private syncSealed(): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (this.durableSeq === this.seq) return Promise.resolve();
    if (this.writing !== undefined && this.seq <= this.writingSeq) return this.writing.promise;
    this.next ??= newRound();
    this.running ??= this.writeLoop();
    return this.next.promise;
  }

  private checkWritable(): void {
    if (this.closed) throw new Error('storage is closed');
    if (this.failed !== undefined) throw this.failed;
  }

  /**
   * Where the step's next operation goes in `sealed`, with `room` bytes for it (and room to
   * seal the step after it): the buffer grows, keeping what it holds, when it lacks room.
   */
  private opAt(room: number): number {
    const at = this.stepOps === 0 ? this.sealedBytes + STEP_START_BYTES : this.stepEnd;
    const need = at + room + SEAL_SLACK_BYTES;
    if (need > this.sealed.length) {
      const larger = new Uint8Array(Math.max(need, 2 * this.sealed.length));
      larger.set(this.sealed.subarray(0, at));
      this.sealed = larger;
    }
    return at;
  }

  /**
   * Hands the writer the sealed records and starts a new buffer (the spare one); the
   * operations of a step under way, if any, move to it.
   */
  private takeSealed(): { buffer: Uint8Array; bytes: number } {
    const taken = { buffer: this.sealed, bytes: this.sealedBytes };
    const open = this.stepOps === 0 ? 0 : this.stepEnd - this.sealedBytes;
    const need = open + SEAL_SLACK_BYTES;
    const reuse = this.spare !== undefined && need <= this.spare.length;
    this.sealed = reuse
      ? (this.spare as Uint8Array)
      : new Uint8Array(Math.max(need, SEAL_BUFFER_BYTES));
    this.spare = undefined;
    if (open > 0) this.sealed.set(taken.buffer.subarray(this.sealedBytes, this.stepEnd));
    this.sealedBytes = 0;
    this.stepEnd = open;
    return taken;
  }

  /**
   * Writes and fsyncs until no sync is waiting: each round serves every sync so far. Before
   * each round it lets the event loop turn once, so that every step of this turn (and every
   * writer the last round woke) seals and joins the round instead of waiting for the next.
   */
  private async writeLoop(): Promise<void> {
    try {
      for (;;) {
        await nextTurn();
        const round = this.next;
        if (round === undefined) break;
        this.next = undefined;
        this.writing = round;
        this.writingSeq = this.seq;
        const taken = this.takeSealed();
        const chunk = taken.buffer.subarray(0, taken.bytes);
        if (chunk.length > 0)
          await writeAll(this.segment.file, pathIn(this.dir, this.segment.name), chunk);
        if (this.segment.file.syncsOnWrite !== true || chunk.length === 0)
          await this.segment.file.datasync();
        this.fsyncs += 1;
        // A buffer grown for a huge step is let go rather than kept.
        if (taken.buffer.length === SEAL_BUFFER_BYTES) this.spare = taken.buffer;
        // `bytes` counts only durable bytes: a failed round is cut back to it.
        this.segment.bytes += chunk.length;
        this.logBytes += chunk.length;
        this.durableSeq = this.writingSeq;
        this.writing = undefined;
        round.resolve();
        await this.maintain();
      }
    } catch (error) {
      this.fail(error);
      // Best effort: cut what the failed round wrote, so the disk holds exactly the steps
      // whose sync resolved (if this fails too, recovery still finds whole steps only).
      const { name, bytes } = this.segment;
      await this.fs.truncate(pathIn(this.dir, name), bytes).catch(() => {});
    } finally {
      // Cleared in the same turn as the loop's last check, so a sync() arriving later
      // always finds no loop and starts one.
      this.running = undefined;
    }
  }

  private fail(error: unknown): void {
    this.failed = error;
    this.writing?.reject(error);
    this.next?.reject(error);
    this.writing = undefined;
    this.next = undefined;
    this.sealedBytes = 0;
    this.stepOps = 0;
  }

  /**
   * Rolls the segment when it is full, and snapshots when enough log has built up. A
   * snapshot needs the map exactly as of the last durable step, so it is taken (copied,
   * synchronously) only when nothing was written since — no step sealed during the fsync
   * and none under way; otherwise the next round tries again.
   */
  private async maintain(): Promise<void> {
    const atDurable = this.seq === this.durableSeq && this.stepOps === 0;
    const snapshotDue = this.o.snapshotBytes > 0 && this.logBytes >= this.o.snapshotBytes;
    const entries = snapshotDue && atDurable ? this.sortedEntries() : undefined;
    if (entries === undefined && this.segment.bytes < this.o.segmentBytes) return;
    const seq = this.durableSeq;
    // Records sealed from here on wait in `sealed` and go to the new segment.
    await this.segment.file.close();
    const name = segmentName(seq + 1);
    this.segment = { name, file: await this.fs.open(pathIn(this.dir, name), 'a'), bytes: 0 };
    await syncDirectory(this.fs, this.dir);
    if (entries === undefined) return;
    await writeSnapshot(this.fs, this.dir, seq, encode(entries));
    this.logBytes = 0;
    const { segments, snapshots } = await listWalFiles(this.fs, this.dir);
    const covered = segments.filter((x) => x.firstSeq <= seq).map((x) => x.name);
    await removeFiles(this.fs, this.dir, [...covered, ...snapshots.slice(1).map((x) => x.name)]);
  }

  private sortedEntries(): [string, unknown][] {
    const entries = [...this.map.entries()].map(([k, v]): [string, unknown] => [k, unpacked(v)]);
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
