// Event-time windows with watermarks and late data (issue 20), the operator Flink and Beam
// put between a keyed stream and its sink (Akidau et al., "The Dataflow Model", VLDB 2015).
//
// - Windows are assigned by each record's own event time, not by when it arrives:
//   tumbling windows [k·size, (k+1)·size), or sliding windows of `size` every `slide` (a
//   record belongs to size/slide of them).
// - The watermark says "no record older than this is still coming": the largest event time
//   seen minus `maxOutOfOrdernessMs` (Flink's bounded-out-of-orderness strategy). It only
//   moves forward.
// - A window fires once the watermark reaches its end, with its count per key. A record that
//   arrives after its window fired is late: within `allowedLatenessMs` the window is kept,
//   updated and fires again with the corrected count (a "late firing", marked as such); past
//   that it is dropped and counted, never silently merged into a wrong window.
// - State is bounded: a window's state is discarded once the watermark passes its end plus
//   the allowed lateness, so memory grows with the out-of-orderness, not the stream.
//
// The operator is pure and deterministic (event times in, firings out): the same records in
// the same order give the same firings in any process, which is what replay after a crash
// needs. `snapshot` and `restore` carry its whole state through a checkpoint as JSON (the
// exactly-once stream's barrier snapshots, checkpointed-run.ts). Fault model: records are untrusted; a non-finite or negative event time, or an
// empty key, is refused with a StreamWindowError and changes nothing.

import { isArrayOf, isCount, isRecord, isString } from '../../core/validate.js';

export type WindowSpec =
  | { readonly kind: 'tumbling'; readonly sizeMs: number }
  | { readonly kind: 'sliding'; readonly sizeMs: number; readonly slideMs: number };

export interface WindowOptions {
  readonly window: WindowSpec;
  /** How far behind the newest event time a record may still arrive in order. */
  readonly maxOutOfOrdernessMs: number;
  /** How long after a window fired a late record still corrects it (0: drop every late one). */
  readonly allowedLatenessMs: number;
}

export interface WindowFiring {
  /** [start, end) in event time. */
  readonly start: number;
  readonly end: number;
  /** Count per key, keys in first-seen order. */
  readonly counts: ReadonlyMap<string, number>;
  /** A re-firing caused by late records (the counts replace the earlier firing's). */
  readonly late: boolean;
}

/** The operator's state as JSON (event times ±Infinity spelled out: JSON has none). */
export interface WindowsSnapshot {
  readonly maxEventTime: number | '-inf' | 'inf';
  readonly dropped: number;
  readonly windows: readonly {
    readonly start: number;
    readonly counts: readonly (readonly [string, number])[];
    readonly fired: boolean;
    readonly dirty: boolean;
    readonly ids: readonly string[];
  }[];
}

export class StreamWindowError extends Error {
  override readonly name = 'StreamWindowError';
}

/** The largest window size, slide and lateness accepted: a week of event time. */
const MAX_SPAN_MS = 7 * 24 * 3600 * 1000;

const isCountEntry = (x: unknown): x is [string, number] =>
  Array.isArray(x) && x.length === 2 && isString(x[0]) && isCount(x[1]);

function checkSpan(what: string, ms: number, min: number): void {
  if (!Number.isSafeInteger(ms) || ms < min || ms > MAX_SPAN_MS)
    throw new StreamWindowError(`${what} must be an integer in ${min}..${MAX_SPAN_MS} ms`);
}

function checkOptions(o: WindowOptions): void {
  checkSpan('window size', o.window.sizeMs, 1);
  if (o.window.kind === 'sliding') {
    checkSpan('window slide', o.window.slideMs, 1);
    if (o.window.slideMs > o.window.sizeMs)
      throw new StreamWindowError('a sliding window cannot slide by more than its size');
  }
  checkSpan('max out-of-orderness', o.maxOutOfOrdernessMs, 0);
  checkSpan('allowed lateness', o.allowedLatenessMs, 0);
}

interface WindowState {
  readonly start: number;
  readonly end: number;
  readonly counts: Map<string, number>;
  fired: boolean;
  /** Changed since it last fired (a late record arrived). */
  dirty: boolean;
  /** The ids of the updates counted (only when add is given ids): replays are skipped. */
  readonly ids: Set<string>;
}

export class EventTimeWindows {
  private readonly windows = new Map<number, WindowState>();
  private maxEventTime = Number.NEGATIVE_INFINITY;
  /** Records dropped because they arrived after their window's allowed lateness. */
  dropped = 0;

  /**
   * `fromRecords: false` leaves the watermark to `advance` alone: downstream of parallel
   * channels a task's own records do not bound what is still coming on a slower channel,
   * so there only the upstream watermark may move it (Flink's operators do the same).
   */
  constructor(
    private readonly o: WindowOptions,
    private readonly fromRecords = true,
  ) {
    checkOptions(o);
  }

  snapshot(): WindowsSnapshot {
    const t = this.maxEventTime;
    return {
      maxEventTime:
        t === Number.NEGATIVE_INFINITY ? '-inf' : t === Number.POSITIVE_INFINITY ? 'inf' : t,
      dropped: this.dropped,
      windows: [...this.windows.values()].map((w) => ({
        start: w.start,
        counts: [...w.counts],
        fired: w.fired,
        dirty: w.dirty,
        ids: [...w.ids],
      })),
    };
  }

  /** The operator a snapshot of one with options `o` stands for; throws on a malformed one. */
  static restore(o: WindowOptions, fromRecords: boolean, data: unknown): EventTimeWindows {
    const bad = () => new StreamWindowError('a malformed window snapshot');
    if (!isRecord(data) || !isCount(data.dropped) || !Array.isArray(data.windows)) throw bad();
    const t = data.maxEventTime;
    const windows = new EventTimeWindows(o, fromRecords);
    if (t === '-inf' || t === 'inf') windows.maxEventTime = t === 'inf' ? Infinity : -Infinity;
    else if (Number.isSafeInteger(t)) windows.maxEventTime = t as number;
    else throw bad();
    windows.dropped = data.dropped;
    for (const w of data.windows as unknown[]) {
      if (!isRecord(w) || !isCount(w.start) || typeof w.fired !== 'boolean') throw bad();
      if (typeof w.dirty !== 'boolean' || !isArrayOf(w.ids, isString)) throw bad();
      if (!isArrayOf(w.counts, isCountEntry)) throw bad();
      const end = w.start + o.window.sizeMs;
      windows.windows.set(w.start, {
        start: w.start,
        end,
        counts: new Map(w.counts),
        fired: w.fired,
        dirty: w.dirty,
        ids: new Set(w.ids),
      });
    }
    return windows;
  }

  /** No record with an event time below this is expected any more. */
  get watermark(): number {
    return this.maxEventTime - this.o.maxOutOfOrdernessMs;
  }

  /** Windows held in memory (bounded by the out-of-orderness and the lateness). */
  get open(): number {
    return this.windows.size;
  }

  /** The starts of the windows a record at `t` belongs to. */
  private startsOf(t: number): number[] {
    const w = this.o.window;
    const slide = w.kind === 'tumbling' ? w.sizeMs : w.slideMs;
    const last = t - (t % slide);
    const starts: number[] = [];
    for (let s = last; s > t - w.sizeMs; s -= slide) if (s >= 0) starts.push(s);
    return starts;
  }

  /**
   * Adds `n` occurrences of `key` at `eventTime`; returns the firings it causes (its
   * windows' or others' closing). With an `id`, a window that already counted that id skips
   * it (a replayed update counts once, as long as its window is kept).
   */
  add(key: string, eventTime: number, n = 1, id?: string): WindowFiring[] {
    if (typeof key !== 'string' || key === '') throw new StreamWindowError('a record needs a key');
    if (!Number.isSafeInteger(eventTime) || eventTime < 0)
      throw new StreamWindowError(`event time must be a non-negative integer, got ${eventTime}`);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new StreamWindowError(`a record counts a positive integer, got ${n}`);
    const starts = this.startsOf(eventTime);
    const size = this.o.window.sizeMs;
    // Dropped: none of its windows is kept any more. A sliding record late for only some of
    // its windows counts in the ones still kept, as Flink does per window.
    if (starts.every((s) => s + size + this.o.allowedLatenessMs <= this.watermark)) {
      this.dropped++;
      return [];
    }
    for (const start of starts) {
      if (start + size + this.o.allowedLatenessMs <= this.watermark) continue;
      let w = this.windows.get(start);
      if (w === undefined) {
        const ids = new Set<string>();
        w = { start, end: start + size, counts: new Map(), fired: false, dirty: false, ids };
        this.windows.set(start, w);
      }
      if (id !== undefined) {
        if (w.ids.has(id)) continue;
        w.ids.add(id);
      }
      w.counts.set(key, (w.counts.get(key) ?? 0) + n);
      if (w.fired) w.dirty = true;
    }
    if (this.fromRecords) this.maxEventTime = Math.max(this.maxEventTime, eventTime);
    return this.fire();
  }

  /**
   * Event time has reached `eventTime` elsewhere in the stream (a watermark from upstream,
   * as Flink propagates the source's): the watermark moves as if a record at that time had
   * been seen here, so a task that sees few or no records still fires its windows.
   */
  advance(eventTime: number): WindowFiring[] {
    if (Number.isNaN(eventTime)) throw new StreamWindowError('a watermark must be a number');
    this.maxEventTime = Math.max(this.maxEventTime, eventTime);
    return this.fire();
  }

  /** The watermark past which every window holding a record at `eventTime` is discarded. */
  keptUntil(eventTime: number): number {
    const w = this.o.window;
    const slide = w.kind === 'tumbling' ? w.sizeMs : w.slideMs;
    return eventTime - (eventTime % slide) + w.sizeMs + this.o.allowedLatenessMs;
  }

  /** The end of the stream: the watermark jumps to infinity and every open window fires. */
  flush(): WindowFiring[] {
    this.maxEventTime = Number.POSITIVE_INFINITY;
    return this.fire();
  }

  private fire(): WindowFiring[] {
    const out: WindowFiring[] = [];
    const watermark = this.watermark;
    const ready = [...this.windows.values()].sort((a, b) => a.start - b.start);
    for (const w of ready) {
      if (w.end > watermark) continue;
      if (!w.fired || w.dirty) {
        out.push({ start: w.start, end: w.end, counts: new Map(w.counts), late: w.fired });
        w.fired = true;
        w.dirty = false;
      }
      if (w.end + this.o.allowedLatenessMs <= watermark) this.windows.delete(w.start);
    }
    return out;
  }
}
