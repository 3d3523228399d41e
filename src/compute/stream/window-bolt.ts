// The windowed count bolt (issue 20): each task keeps one EventTimeWindows (windows.ts) over
// the words fields grouping sends it, and writes every firing — first or late, corrected —
// to the sink as (window, word) → count, a value the sink sets, never adds.
//
// Reliability, as Storm's windowed bolts do it: a word tuple's ack is HELD until the task
// has discarded every window that counted it (the watermark passed their ends plus the
// allowed lateness), so the record's tuple tree stays open exactly as long as state that
// depends on it is only in this volatile task. If the worker dies, the master fails those
// trees and the spout replays them into the replacement task; a record whose windows were
// discarded was acked, and its counts are already final in the sink. With `dedup` each
// window counts an update id (record and word position, the same in every replay) once, so
// a replay into a surviving task counts nothing twice.
//
// Checkpointed (exactly-once, checkpointed-run.ts): no ack is held — the task's windows are
// snapshotted at each barrier and restored after a failure, so a record need not stay
// replayable until its windows are gone; the spout rewinds to the checkpoint instead.
//
// The watermark is the spout's, propagated through split (worker.ts takes the minimum over
// a task's inputs, as Flink does), so a task that gets no words still fires its windows.
// It is the ONLY thing that moves the task's watermark: a word from a fast split task says
// nothing about words still coming through a slow one (a task's own newest event time
// would drop those as late).

import type { Bolt, Collector, Component, Held } from './topology.js';
import { EventTimeWindows, type WindowFiring } from './windows.js';

interface WindowTask {
  readonly windows: EventTimeWindows;
  readonly dedup: boolean;
  readonly checkpointed: boolean;
  /** Held acks by the watermark at which their windows are all discarded. */
  readonly held: Map<number, Held[]>;
}

function fire(out: Collector, firings: readonly WindowFiring[]): void {
  for (const f of firings)
    for (const [key, count] of f.counts) out.fire({ start: f.start, end: f.end, key, count });
}

/** Releases the held acks whose windows the task no longer keeps. */
function release(out: Collector, s: WindowTask): void {
  const watermark = s.windows.watermark;
  for (const [until, held] of s.held)
    if (until <= watermark) {
      for (const h of held) out.release(h);
      s.held.delete(until);
    }
}

export const windowedCount: Bolt<WindowTask> = {
  init(c: Component): WindowTask {
    if (c.window === undefined) throw new Error(`${c.name} has no window`);
    return {
      windows: new EventTimeWindows(c.window, false),
      dedup: c.dedup === true,
      checkpointed: c.checkpointed === true,
      held: new Map(),
    };
  },
  snapshot: (s) => s.windows.snapshot(),
  restore(c, data) {
    if (c.window === undefined) throw new Error(`${c.name} has no window`);
    const windows = EventTimeWindows.restore(c.window, false, data);
    return { windows, dedup: c.dedup === true, checkpointed: true, held: new Map() };
  },
  execute(values, out, s) {
    const [word, n, record, k, t] = values;
    if (typeof word !== 'string' || typeof n !== 'number' || typeof t !== 'number')
      throw new Error('bad tuple');
    const dropped = s.windows.dropped;
    const id = s.dedup ? `${String(record)}:${String(k)}` : undefined;
    fire(out, s.windows.add(word, t, n, id));
    const until = s.windows.keptUntil(t);
    // A dropped record or one whose windows are already gone is acked at once.
    if (!s.checkpointed && s.windows.dropped === dropped && until > s.windows.watermark) {
      const queue = s.held.get(until) ?? [];
      queue.push(out.hold());
      s.held.set(until, queue);
    }
    release(out, s);
  },
  watermark(eventTime, out, s) {
    fire(
      out,
      eventTime === Number.POSITIVE_INFINITY ? s.windows.flush() : s.windows.advance(eventTime),
    );
    release(out, s);
  },
};
