// Where a partition's records live: the machine (machine.ts) adds each record as it appends it
// and reads records back for deliveries; the host makes them durable. Two implementations:
// `RecordSegments` (record-segments.ts: append-only segment files, the broker's), and
// `MemoryRecords` below (the machine's tests, and anything that needs no disk).
//
// The WAL holds no record: writing each record once, to its partition's segment, is what keeps
// a 4 KiB publish to one write of 4 KiB (docs/broker.md, "Measured").

import type { StoredRecord } from './keys.js';

export interface OffsetRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly time: number;
}

/** What recovery learns of a stored record (for the partition's index). */
export interface RecordEntry {
  readonly offset: number;
  readonly size: number;
  readonly time: number;
}

export interface RecordStore {
  /** Adds the partition's next record (offsets ascend by one); durable once the host flushes. */
  add(topic: string, partition: number, record: OffsetRecord): void;
  read(topic: string, partition: number, offset: number): StoredRecord | undefined;
  /** Recovery: what the partition holds, ascending (once; then forgotten). */
  takeEntries(topic: string, partition: number): RecordEntry[];
}

/** Records in memory, kept across "restarts" of machines given the same instance. */
export class MemoryRecords implements RecordStore {
  private readonly parts = new Map<string, OffsetRecord[]>();

  add(topic: string, partition: number, record: OffsetRecord): void {
    const id = `${topic}/${partition}`;
    const rs = this.parts.get(id) ?? [];
    this.parts.set(id, rs);
    rs.push(record);
  }

  read(topic: string, partition: number, offset: number): StoredRecord | undefined {
    const rs = this.parts.get(`${topic}/${partition}`) ?? [];
    const first = rs[0]?.offset ?? 0;
    const r = rs[offset - first];
    return r === undefined ? undefined : { k: r.key, v: r.value, t: r.time };
  }

  takeEntries(topic: string, partition: number): RecordEntry[] {
    return (this.parts.get(`${topic}/${partition}`) ?? []).map((r) => ({
      offset: r.offset,
      size: r.value.length,
      time: r.time,
    }));
  }
}
