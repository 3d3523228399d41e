// The coordinators' durable log (XA's decision log, TCC's transaction log, the saga log):
// the runtime's write-ahead log (src/runtime/wal) used as a key → record map. `put` returns
// only once the record is on stable storage (its step sealed and fsynced), so a decision is
// never acted on before it would survive a crash; concurrent puts share one fsync (the WAL's
// group commit). `forget` drops a finished transaction's record without waiting for the disk:
// if the drop is lost in a crash, recovery finds the record again, sees that nothing is left
// to do, and drops it again. Records are few (one per unfinished transaction), and the WAL
// snapshots and removes old segments, so the log stays bounded.
//
// Fault model: the process may be killed at any instant (a put either survives whole or is
// absent — a torn tail is cut on the next open); a failing disk rejects every later put with
// the WAL's WalIoError (the coordinator must stop). One log directory belongs to one
// coordinator: `open` records the owner's id and refuses a directory owned by another.

import { openWalStorage, type WalStorage } from '../runtime/wal/index.js';

const OWNER_KEY = 'meta/owner';
/** Keep the log small: a snapshot once 4 MB of records follow the last one. */
const SNAPSHOT_BYTES = 4 * 1024 * 1024;
const SEGMENT_BYTES = 8 * 1024 * 1024;

export class DurableLog {
  private constructor(private readonly wal: WalStorage) {}

  /** Opens (and recovers) the log in `dir` for the coordinator `owner`. */
  static async open(dir: string, owner: string): Promise<DurableLog> {
    const wal = await openWalStorage(dir, {
      snapshotBytes: SNAPSHOT_BYTES,
      segmentBytes: SEGMENT_BYTES,
    });
    const log = new DurableLog(wal);
    const recorded = wal.get<string>(OWNER_KEY);
    if (recorded === undefined) await log.put(OWNER_KEY, owner);
    else if (recorded !== owner) {
      await wal.close();
      throw new Error(`log ${dir} belongs to ${recorded}, not ${owner}`);
    }
    return log;
  }

  /** fsyncs done so far (the benchmark counts them per transaction). */
  get fsyncs(): number {
    return this.wal.fsyncs;
  }

  get<T>(key: string): T | undefined {
    return this.wal.get<T>(key);
  }

  /** Keys under `prefix`, sorted. */
  keys(prefix: string): string[] {
    return this.wal.keys(prefix);
  }

  /** Writes `value` under `key`; resolves once it is durable. */
  async put(key: string, value: unknown): Promise<void> {
    this.wal.set(key, value);
    this.wal.endStep();
    await this.wal.sync();
  }

  /** Drops `key`; durable with the next put (see the header: a lost drop is harmless). */
  forget(key: string): void {
    if (this.wal.get(key) === undefined) return;
    this.wal.delete(key);
    this.wal.endStep();
  }

  close(): Promise<void> {
    return this.wal.close();
  }
}
