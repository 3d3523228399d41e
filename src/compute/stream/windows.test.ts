// Event-time windows (windows.ts): firings equal a batch count over event times whenever the
// stream is no more out of order than declared; late records within the allowed lateness
// re-fire their window with the corrected count, later ones are dropped and counted; state
// stays bounded; bad records and options are refused.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EventTimeWindows,
  StreamWindowError,
  type WindowFiring,
  type WindowOptions,
  type WindowSpec,
} from './windows.js';

type Rec = { key: string; t: number };

/** What a batch job over the whole stream would count: window start → key → count. */
function batch(records: readonly Rec[], w: WindowSpec): Map<number, Map<string, number>> {
  const slide = w.kind === 'tumbling' ? w.sizeMs : w.slideMs;
  const out = new Map<number, Map<string, number>>();
  for (const r of records) {
    for (let s = r.t - (r.t % slide); s > r.t - w.sizeMs; s -= slide) {
      if (s < 0) continue;
      const counts = out.get(s) ?? new Map<string, number>();
      counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
      out.set(s, counts);
    }
  }
  return out;
}

/** The last firing of every window (a late firing replaces the earlier one). */
function finalCounts(firings: readonly WindowFiring[]): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  for (const f of firings) out.set(f.start, new Map(f.counts));
  return out;
}

const sorted = (m: Map<number, Map<string, number>>) =>
  [...m].sort((a, b) => a[0] - b[0]).map(([s, c]) => [s, [...c].sort()]);

function run(o: WindowOptions, records: readonly Rec[]) {
  const w = new EventTimeWindows(o);
  const firings: WindowFiring[] = [];
  let maxOpen = 0;
  for (const r of records) {
    firings.push(...w.add(r.key, r.t));
    maxOpen = Math.max(maxOpen, w.open);
  }
  firings.push(...w.flush());
  return { w, firings, maxOpen };
}

const windowSpec = fc.oneof(
  fc.record({ kind: fc.constant('tumbling' as const), sizeMs: fc.integer({ min: 1, max: 50 }) }),
  fc
    .record({ sizeMs: fc.integer({ min: 1, max: 50 }), div: fc.integer({ min: 1, max: 5 }) })
    .map(({ sizeMs, div }) => ({
      kind: 'sliding' as const,
      sizeMs,
      slideMs: Math.max(1, Math.floor(sizeMs / div)),
    })),
);

/** Records in an arrival order no more than `bound` out of event-time order. */
function boundedDisorder(bound: number) {
  return fc
    .array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c'),
        t: fc.integer({ min: 0, max: 400 }),
        jitter: fc.integer({ min: 0, max: bound }),
      }),
      { maxLength: 120 },
    )
    .map((rs) =>
      [...rs].sort((x, y) => x.t + x.jitter - (y.t + y.jitter)).map(({ key, t }) => ({ key, t })),
    );
}

describe('event-time windows', () => {
  it('equal the batch count, each window firing once, when disorder stays within bound', () => {
    fc.assert(
      fc.property(
        windowSpec,
        fc
          .integer({ min: 0, max: 30 })
          .chain((bound) => fc.tuple(fc.constant(bound), boundedDisorder(bound))),
        (window, [bound, records]) => {
          const o = { window, maxOutOfOrdernessMs: bound, allowedLatenessMs: 0 };
          const { w, firings } = run(o, records);
          expect(w.dropped).toBe(0);
          expect(firings.filter((f) => f.late)).toEqual([]);
          const starts = firings.map((f) => f.start);
          expect(new Set(starts).size).toBe(starts.length);
          expect(sorted(finalCounts(firings))).toEqual(sorted(batch(records, window)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fires a window when the watermark passes its end, not before', () => {
    const w = new EventTimeWindows({
      window: { kind: 'tumbling', sizeMs: 10 },
      maxOutOfOrdernessMs: 5,
      allowedLatenessMs: 0,
    });
    expect(w.add('a', 3)).toEqual([]);
    expect(w.add('a', 12)).toEqual([]); // watermark 7: [0, 10) still open
    expect(w.add('b', 9)).toEqual([]); // out of order, within the bound
    const [fired] = w.add('a', 15); // watermark 10
    expect(fired).toEqual({
      start: 0,
      end: 10,
      counts: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      late: false,
    });
    expect(w.watermark).toBe(10);
  });

  it('corrects a fired window with late records within the allowed lateness, drops later ones', () => {
    const w = new EventTimeWindows({
      window: { kind: 'tumbling', sizeMs: 10 },
      maxOutOfOrdernessMs: 0,
      allowedLatenessMs: 20,
    });
    w.add('a', 1);
    expect(w.add('a', 10).map((f) => [f.start, f.late])).toEqual([[0, false]]);
    const [late] = w.add('b', 2); // watermark 10 < 10 + 20: kept, re-fired at once
    expect(late).toEqual({
      start: 0,
      end: 10,
      counts: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      late: true,
    });
    w.add('a', 30); // watermark 30 ≥ 10 + 20: [0, 10) is discarded
    expect(w.add('c', 5)).toEqual([]);
    expect(w.dropped).toBe(1);
    const final = finalCounts(w.flush());
    expect(final.has(0)).toBe(false);
  });

  it('under any disorder, counts only what is not dropped, and keeps state bounded', () => {
    fc.assert(
      fc.property(
        windowSpec,
        fc.array(
          fc.record({ key: fc.constantFrom('a', 'b'), t: fc.integer({ min: 0, max: 300 }) }),
          { maxLength: 100 },
        ),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (window, records, bound, lateness) => {
          const o = { window, maxOutOfOrdernessMs: bound, allowedLatenessMs: lateness };
          const { w, firings, maxOpen } = run(o, records);
          const counted = [...finalCounts(firings).values()]
            .flatMap((c) => [...c.values()])
            .reduce((a, b) => a + b, 0);
          const all = [...batch(records, window).values()]
            .flatMap((c) => [...c.values()])
            .reduce((a, b) => a + b, 0);
          expect(counted).toBeLessThanOrEqual(all);
          if (w.dropped === 0 && window.kind === 'tumbling') expect(counted).toBe(all);
          const slide = window.kind === 'tumbling' ? window.sizeMs : window.slideMs;
          // Kept: the windows reaching past watermark − lateness, up to the newest event.
          const span = bound + lateness + window.sizeMs + 300;
          expect(maxOpen).toBeLessThanOrEqual(Math.ceil(span / slide) + 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses bad records and options, changing nothing', () => {
    const w = new EventTimeWindows({
      window: { kind: 'sliding', sizeMs: 10, slideMs: 5 },
      maxOutOfOrdernessMs: 0,
      allowedLatenessMs: 0,
    });
    for (const t of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => w.add('a', t)).toThrow(StreamWindowError);
    expect(() => w.add('', 1)).toThrow(StreamWindowError);
    expect(w.open).toBe(0);
    const bad: WindowOptions[] = [
      { window: { kind: 'tumbling', sizeMs: 0 }, maxOutOfOrdernessMs: 0, allowedLatenessMs: 0 },
      {
        window: { kind: 'sliding', sizeMs: 5, slideMs: 10 },
        maxOutOfOrdernessMs: 0,
        allowedLatenessMs: 0,
      },
      { window: { kind: 'tumbling', sizeMs: 5 }, maxOutOfOrdernessMs: -1, allowedLatenessMs: 0 },
    ];
    for (const o of bad) expect(() => new EventTimeWindows(o)).toThrow(StreamWindowError);
  });
});
