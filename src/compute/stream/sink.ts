// The stream's sink: word totals kept by the master, standing for an external store that
// outlives any worker (Storm's bolts keep no durable state; a real topology writes to a
// database). Two modes here (exactly-once's transactional sink is epoch-sink.ts):
//
// - at-least-once: every write is applied, so a replayed record's words that were already
//   written before the failure are counted again;
// - idempotent: the sink — each write names its update (`uid`, record and
//   position, the same in every replay of the record), and an update already applied is
//   skipped. The set of applied uids is kept per PENDING record and dropped when the spout
//   sees the record's tree complete: a complete record is never replayed, so any later
//   write for it is a stale duplicate from an earlier attempt and is skipped too. Memory is
//   bounded by the spout's pending limit, not by the stream's length.
//
// The windowed topology's sink (WindowSink) keeps one count per (window, word) and SETS it
// on each firing: a late firing carries the corrected count and replaces the earlier one,
// and a firing repeated after a replay writes the same value again — idempotent in either
// delivery mode; what `idempotent` adds is that the counts themselves include no replay.

import { windowKey } from './timed.js';
import type { SinkWrite, WindowWrite } from './topology.js';

/**
 * at-least-once: the ack tree's replays, counted again; idempotent: the same replays into a
 * deduplicating sink; exactly-once: checkpoint barriers and a transactional sink.
 */
export type Delivery = 'at-least-once' | 'idempotent' | 'exactly-once';

export class CountSink {
  readonly totals = new Map<string, number>();
  private readonly applied = new Map<number, Set<string>>();
  /** Writes skipped as duplicates (idempotent only). */
  duplicates = 0;

  constructor(private readonly delivery: Exclude<Delivery, 'exactly-once'>) {}

  /** `pending`: whether the write's record is still awaiting its tree's completion. */
  write(w: SinkWrite, pending: boolean): void {
    if (this.delivery === 'idempotent') {
      if (!pending) {
        this.duplicates++;
        return;
      }
      const uids = this.applied.get(w.record) ?? new Set<string>();
      this.applied.set(w.record, uids);
      if (uids.has(w.uid)) {
        this.duplicates++;
        return;
      }
      uids.add(w.uid);
    }
    this.totals.set(w.key, (this.totals.get(w.key) ?? 0) + w.delta);
  }

  /** The record's tree completed: it will never be replayed. */
  complete(record: number): void {
    this.applied.delete(record);
  }

  sorted(): [string, number][] {
    return [...this.totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

export class WindowSink {
  private readonly counts = new Map<string, number>();
  /** Firings received (first, late and repeated). */
  firings = 0;

  fire(w: WindowWrite): void {
    this.firings++;
    this.counts.set(windowKey(w.start, w.end, w.key), w.count);
  }

  sorted(): [string, number][] {
    return [...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
