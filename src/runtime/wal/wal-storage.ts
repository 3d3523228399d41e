// The real runtime's DurableStorage: an in-memory map whose every change is a record of the
// write-ahead log. `set`/`delete` apply to the map and append the encoded record to a
// buffer; `sync()` resolves once that record is on disk. One writer loop writes whatever the
// buffer holds and fsyncs once for every sync() that arrived meanwhile (group commit: many
// steps per fsync). Segments roll at `segmentBytes`; once `snapshotBytes` of log follow the
// last snapshot, the map is snapshotted atomically and the segments it covers are removed.
//
// Fault model: the process may be killed at any instant. Everything whose sync() resolved
// survives; a torn last record is cut on the next open (recovery.ts); bit flips elsewhere
// stop the open with WalCorruptionError unless repairing.

import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { roundTrip } from '../../core/codec.js';
import type { DurableStorage } from '../durable-storage.js';
import { listWalFiles, pathIn, segmentName, syncDirectory } from './files.js';
import { encodeRecord, type WalOp } from './record.js';
import { recover } from './recovery.js';
import { removeFiles, writeSnapshot } from './snapshot.js';

export interface WalOptions {
  /** Roll to a new segment file beyond this size. */
  readonly segmentBytes?: number;
  /** Snapshot once this much log follows the last snapshot (0: never). */
  readonly snapshotBytes?: number;
  /** Cut the log at corruption instead of refusing to open. */
  readonly repair?: boolean;
  /** Called with what recovery cut away. */
  readonly onWarning?: (text: string) => void;
}

interface Waiter {
  readonly seq: number;
  resolve(): void;
  reject(error: unknown): void;
}

export class WalStorage implements DurableStorage {
  /** fsyncs done so far (tests and the benchmark read it). */
  fsyncs = 0;
  private buffer: Buffer[] = [];
  private waiters: Waiter[] = [];
  /** The writer loop while it runs (it may still be rolling a segment after waking waiters). */
  private running: Promise<void> | undefined;
  private failed: unknown;
  private closed = false;
  private durableSeq: number;
  private logBytes = 0;

  private constructor(
    private readonly dir: string,
    private readonly map: Map<string, unknown>,
    private seq: number,
    private segment: { name: string; handle: FileHandle; bytes: number },
    private readonly o: Required<Omit<WalOptions, 'onWarning' | 'repair'>>,
  ) {
    this.durableSeq = seq;
  }

  static async open(dir: string, options: WalOptions = {}): Promise<WalStorage> {
    await mkdir(dir, { recursive: true });
    const r = await recover(dir, options.repair === true);
    for (const w of r.warnings) options.onWarning?.(w);
    const name = r.tail?.name ?? segmentName(r.lastSeq + 1);
    const handle = await open(pathIn(dir, name), 'a');
    if (r.tail === null) await syncDirectory(dir);
    const o = {
      segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
      snapshotBytes: options.snapshotBytes ?? 256 * 1024 * 1024,
    };
    return new WalStorage(dir, r.map, r.lastSeq, { name, handle, bytes: r.tail?.bytes ?? 0 }, o);
  }

  get<T>(key: string): T | undefined {
    const value = this.map.get(key);
    return value === undefined ? undefined : roundTrip(value as T);
  }

  set(key: string, value: unknown): void {
    this.append(['set', key, roundTrip(value)]);
  }

  delete(key: string): void {
    this.append(['delete', key]);
  }

  keys(prefix = ''): string[] {
    return [...this.map.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  sync(): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (this.durableSeq === this.seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq: this.seq, resolve, reject });
      this.running ??= this.writeLoop();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sync();
    // The loop may still be rolling the segment or snapshotting; close what it ends with.
    await this.running;
    await this.segment.handle.close();
  }

  private append(op: WalOp): void {
    if (this.closed) throw new Error('storage is closed');
    if (this.failed !== undefined) throw this.failed;
    this.seq += 1;
    if (op[0] === 'set') this.map.set(op[1], op[2]);
    else this.map.delete(op[1]);
    this.buffer.push(encodeRecord(this.seq, op));
  }

  /** Writes and fsyncs until no waiter is left: each round serves every waiter so far. */
  private async writeLoop(): Promise<void> {
    try {
      while (this.waiters.length > 0) {
        const upTo = this.seq;
        const chunk = Buffer.concat(this.buffer);
        this.buffer = [];
        await this.segment.handle.write(chunk);
        await this.segment.handle.datasync();
        this.fsyncs += 1;
        this.segment.bytes += chunk.length;
        this.logBytes += chunk.length;
        this.durableSeq = upTo;
        const done = this.waiters.filter((w) => w.seq <= upTo);
        this.waiters = this.waiters.filter((w) => w.seq > upTo);
        for (const w of done) w.resolve();
        await this.maintain();
      }
    } catch (error) {
      this.failed = error;
      for (const w of this.waiters) w.reject(error);
      this.waiters = [];
    } finally {
      // Cleared in the same turn as the loop's last check, so a sync() arriving later
      // always finds no loop and starts one.
      this.running = undefined;
    }
  }

  /**
   * Rolls the segment when it is full, and snapshots when enough log has built up. A
   * snapshot needs the map exactly as of the last durable record, so it is taken (copied,
   * synchronously) only when nothing was appended during the fsync; otherwise the next
   * round tries again.
   */
  private async maintain(): Promise<void> {
    const atDurable = this.seq === this.durableSeq;
    const snapshotDue = this.o.snapshotBytes > 0 && this.logBytes >= this.o.snapshotBytes;
    const entries = snapshotDue && atDurable ? this.sortedEntries() : undefined;
    if (entries === undefined && this.segment.bytes < this.o.segmentBytes) return;
    const seq = this.durableSeq;
    // Records appended from here on wait in the buffer and go to the new segment.
    await this.segment.handle.close();
    const name = segmentName(seq + 1);
    this.segment = { name, handle: await open(pathIn(this.dir, name), 'a'), bytes: 0 };
    await syncDirectory(this.dir);
    if (entries === undefined) return;
    await writeSnapshot(this.dir, seq, entries);
    this.logBytes = 0;
    const { segments, snapshots } = await listWalFiles(this.dir);
    const covered = segments.filter((x) => x.firstSeq <= seq).map((x) => x.name);
    await removeFiles(this.dir, [...covered, ...snapshots.slice(1).map((x) => x.name)]);
  }

  private sortedEntries(): [string, unknown][] {
    return [...this.map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
