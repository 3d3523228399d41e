// One simulated node's disk: the `Storage` a process writes through, with the runtime's
// durability contract (core/process.ts, ARCHITECTURE.md rule 2). Writes wait in `pending`
// until the step ends; `endStep` makes the whole step durable at once — a step is one
// atomic unit on disk — and only then does the simulator let the step's messages leave.
//
// Fault model (the storage faults of a fault plan, `disk N tear|lose|fail-sync @T`): node
// N's next step that writes is interrupted while its record is being made durable, and the
// node stops there — its messages and outputs never leave. What reached the disk is the
// step's record, encoded exactly as the write-ahead log encodes it (core/step-record.ts),
// cut at a byte drawn from the seed:
//   tear       somewhere strictly inside the record (a torn write);
//   lose       before its first byte (the unsynced write is lost);
//   fail-sync  anywhere from nothing to all of it (a failed fsync says nothing of what
//              reached the disk: the whole step may be durable though no message left).
// The cut record is then recovered by the WAL's own replay (`replaySegment`), so a torn
// step restores whole or not at all, exactly as a real node's restart would. Crashes
// between steps lose nothing durable; bit flips are not modelled (the WAL's checksums and
// its corruption tests cover them).

import { assert } from '../core/assert.js';
import { roundTrip } from '../core/codec.js';
import { crc32cJs } from '../core/crc32c.js';
import type { Random } from '../core/prng.js';
import type { Storage } from '../core/process.js';
import { encodeStep, replaySegment, type WalOp } from '../core/step-record.js';

/** How a storage fault interrupts a step (see the header). */
export type DiskFaultMode = 'tear' | 'lose' | 'fail-sync';

export const DISK_FAULT_MODES: readonly DiskFaultMode[] = ['tear', 'lose', 'fail-sync'];

const DELETED = Symbol('deleted');

/** What an interrupted step left: the record's length and where it was cut. */
export interface TornStep {
  readonly recordBytes: number;
  readonly cutAt: number;
  /** Whether recovery restored the step (only when the whole record reached the disk). */
  readonly restored: boolean;
}

export class SimStorage implements Storage {
  /** This storage for one incarnation's env: writes only inside its steps (`live` asserts it). */
  guarded(live: () => void): Storage {
    return {
      get: <T>(key: string) => this.get<T>(key),
      set: (key, value) => {
        live();
        this.set(key, value);
      },
      delete: (key) => {
        live();
        this.delete(key);
      },
      keys: (prefix) => this.keys(prefix),
    };
  }

  /** What survives a crash: every committed step. */
  readonly durable: Map<string, unknown>;
  private readonly pending = new Map<string, unknown>();
  private closed = false;

  /** A storage over `durable` (a fresh disk, or the disk a crashed storage left). */
  constructor(durable: Map<string, unknown> = new Map()) {
    this.durable = durable;
  }

  get<T>(key: string): T | undefined {
    if (this.pending.has(key)) {
      const v = this.pending.get(key);
      return v === DELETED ? undefined : (roundTrip(v) as T);
    }
    // A copy, as a disk read would give: mutating it must not change durable state.
    const v = this.durable.get(key);
    return v === undefined ? undefined : roundTrip(v as T);
  }

  set(key: string, value: unknown): void {
    this.checkOpen();
    // Copied now, as a write to disk would be: the caller may mutate `value` afterwards.
    this.pending.set(key, roundTrip(value));
  }

  delete(key: string): void {
    this.checkOpen();
    this.pending.set(key, DELETED);
  }

  keys(prefix = ''): string[] {
    const all = new Set([...this.durable.keys(), ...this.pending.keys()]);
    return [...all].filter((k) => k.startsWith(prefix) && this.get(k) !== undefined).sort();
  }

  /** Whether the current step has written anything. */
  get dirty(): boolean {
    return this.pending.size > 0;
  }

  /** Makes the current step's writes durable, all of them at once. */
  endStep(): void {
    for (const [key, value] of this.pending) {
      if (value === DELETED) this.durable.delete(key);
      else this.durable.set(key, value);
    }
    this.pending.clear();
  }

  /**
   * Interrupts the current step while its record is written (see the header): the record
   * is cut where `mode` and `random` say and recovered by the WAL's replay.
   */
  tearStep(mode: DiskFaultMode, random: Random): TornStep {
    assert(this.pending.size > 0, 'only a step that writes has a record to tear');
    const ops: WalOp[] = [...this.pending].map(([key, value]) =>
      value === DELETED ? ['delete', key] : ['set', key, value],
    );
    this.pending.clear();
    const record = encodeStep(1, ops, crc32cJs);
    const length = record.length;
    const cutAt =
      mode === 'lose' ? 0 : mode === 'tear' ? random.range(1, length - 1) : random.range(0, length);
    const state = { map: this.durable, lastSeq: 0 };
    const replay = replaySegment(record.subarray(0, cutAt), state, { isLast: true, crc: crc32cJs });
    assert(replay.bad === undefined || replay.bad.tornTail, 'a cut last record is a torn tail');
    assert((state.lastSeq === 1) === (cutAt === length), 'only a whole record is restored');
    return { recordBytes: length, cutAt, restored: state.lastSeq === 1 };
  }

  sync(): Promise<void> {
    return this.closed ? Promise.reject(new Error('storage is closed')) : Promise.resolve();
  }

  close(): Promise<void> {
    this.pending.clear();
    this.closed = true;
    return Promise.resolve();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }
}
