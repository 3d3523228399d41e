// One partition's log as the broker's memory indexes it: the offsets it holds (`start` up
// to `next`, offsets only ever grow), and each record's size and timestamp, so retention can
// decide what to delete without reading the records. The records themselves live in the
// record store (record-store.ts); this is a rebuildable index of them.
//
// Fault model: pure bookkeeping; recovery (machine.ts) replays the stored records' entries in
// offset order through `restore`.

import { assert } from '../../core/assert.js';

export class PartitionLog {
  /** The first offset still held; everything below was deleted by retention. */
  start: number;
  /** The offset the next record gets. */
  next: number;
  /** Bytes of record values held. */
  bytes = 0;
  /** Sizes and timestamps of offsets start..next-1, from index `head` on. */
  private sizes: number[] = [];
  private times: number[] = [];
  /** Bytes appended before each held offset (a running sum, so spans cost O(1)). */
  private before: number[] = [];
  private appended = 0;
  private head = 0;

  constructor(
    readonly topic: string,
    readonly index: number,
    start = 0,
  ) {
    this.start = start;
    this.next = start;
  }

  get count(): number {
    return this.next - this.start;
  }

  append(size: number, time: number): number {
    const offset = this.next;
    this.sizes.push(size);
    this.times.push(time);
    this.before.push(this.appended);
    this.appended += size;
    this.bytes += size;
    this.next += 1;
    return offset;
  }

  /** Recovery: a stored record at `offset`, in ascending order. */
  restore(offset: number, size: number, time: number): void {
    assert(offset >= this.next, 'records are restored in offset order');
    if (this.count === 0) {
      this.start = offset;
      this.next = offset;
    }
    // A gap can only come from a crash between deletions; the index stays dense.
    while (this.next < offset) this.append(0, time);
    this.append(size, time);
  }

  /** Bytes of the records from `offset` (start ≤ offset ≤ next) to the end. */
  bytesFrom(offset: number): number {
    if (offset >= this.next) return 0;
    return this.appended - (this.before[this.head + offset - this.start] as number);
  }

  /** The oldest record's size and time, if any. */
  oldest(): { size: number; time: number } | undefined {
    if (this.count === 0) return undefined;
    return { size: this.sizes[this.head] as number, time: this.times[this.head] as number };
  }

  /** Forgets the oldest record; returns its offset. */
  dropOldest(): number {
    assert(this.count > 0);
    const offset = this.start;
    this.bytes -= this.sizes[this.head] as number;
    this.head += 1;
    this.start += 1;
    // Compact once the dead prefix is half the arrays, so memory follows what is held.
    if (this.head > 1024 && this.head * 2 > this.sizes.length) {
      this.sizes = this.sizes.slice(this.head);
      this.times = this.times.slice(this.head);
      this.before = this.before.slice(this.head);
      this.head = 0;
    }
    assert(this.bytes >= 0);
    return offset;
  }
}
