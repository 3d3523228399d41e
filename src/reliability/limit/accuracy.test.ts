// Accuracy in virtual time: long random request streams (bursts, same-millisecond requests,
// idle gaps, costs 1..3) through each limiter, every decision checked against the
// limiter's definition computed independently from the history of admitted requests. A
// limiter must never admit more than its definition allows, and never refuse what it allows:
// admitted equals allowed, request by request. retryAfterMs is checked to be the exact wait.

import { describe, expect, it } from 'vitest';
import { Prng } from '../../core/prng.js';
import { ManualClock } from '../clock.js';
import { createLimiter, type Decision, type LimiterConfig } from './index.js';

interface Event {
  readonly t: number;
  readonly cost: number;
}
interface Outcome extends Event {
  readonly d: Decision;
}

function stream(seed: number, n: number, meanGapMs: number, maxCost: number): Event[] {
  const prng = new Prng(seed, 'limit-stream');
  const gap = Math.max(1, Math.ceil(meanGapMs));
  const events: Event[] = [];
  let t = prng.range(-5000, 5000); // Any origin, negative included.
  for (let i = 0; i < n; i++) {
    const kind = prng.int(20);
    if (kind === 0)
      t += prng.range(0, 40 * gap); // An idle gap.
    else if (kind < 6)
      t += 0; // Same millisecond: a burst.
    else t += prng.range(0, 2 * gap);
    events.push({ t, cost: prng.range(1, maxCost) });
  }
  return events;
}

async function run(config: LimiterConfig, events: readonly Event[]): Promise<Outcome[]> {
  const clock = new ManualClock(events[0]?.t ?? 0);
  const limiter = createLimiter(config, clock);
  const out: Outcome[] = [];
  for (const e of events) {
    clock.set(e.t);
    out.push({ ...e, d: await limiter.decide('k', e.cost) });
  }
  return out;
}

/** The bucket definition: for every earlier request i, admitted since t_i plus cost fit. */
function bucketAllows(
  history: readonly Outcome[],
  t: number,
  cost: number,
  c: { rate: number; periodMs: number; burst: number },
): boolean {
  let admittedSince = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i] as Outcome;
    if (h.d.allowed) admittedSince += h.cost;
    if (c.periodMs * (admittedSince + cost) > c.burst * c.periodMs + c.rate * (t - h.t))
      return false;
  }
  return cost <= c.burst;
}

const BUCKETS = [
  { rate: 10, periodMs: 1000, burst: 5 },
  { rate: 3, periodMs: 1000, burst: 4 }, // A 333⅓ ms interval: exact in scaled integers.
  { rate: 5, periodMs: 3, burst: 20 },
];

describe.each(['token-bucket', 'leaky-meter', 'gcra'] as const)('%s', (algorithm) => {
  it.each(BUCKETS)('admits exactly what rate %j allows', async (c) => {
    const meanGap = Math.ceil(c.periodMs / c.rate);
    for (const seed of [1, 2, 3]) {
      const outcomes = await run({ algorithm, ...c }, stream(seed, 1500, meanGap, 3));
      let admitted = 0;
      let refused = 0;
      outcomes.forEach((o, j) => {
        const history = outcomes.slice(0, j);
        expect(o.d.allowed, `request ${j} at ${o.t}`).toBe(bucketAllows(history, o.t, o.cost, c));
        if (o.d.allowed) admitted++;
        else {
          refused++;
          const r = o.d.retryAfterMs;
          expect(r).toBeGreaterThan(0);
          expect(bucketAllows(history, o.t + r, o.cost, c)).toBe(true);
          expect(bucketAllows(history, o.t + r - 1, o.cost, c)).toBe(false);
        }
      });
      expect(admitted).toBeGreaterThan(50); // The stream exercises both answers.
      expect(refused).toBeGreaterThan(50);
    }
  });
});

it('token bucket, leaky meter and GCRA decide identically, remaining included', async () => {
  for (const c of BUCKETS) {
    const events = stream(9, 3000, Math.ceil(c.periodMs / c.rate), 3);
    const [a, b, g] = await Promise.all(
      (['token-bucket', 'leaky-meter', 'gcra'] as const).map((algorithm) =>
        run({ algorithm, ...c }, events),
      ),
    );
    expect(b?.map((o) => o.d)).toEqual(a?.map((o) => o.d));
    expect(g?.map((o) => o.d)).toEqual(a?.map((o) => o.d));
  }
});

describe('window limiters', () => {
  const windowOf = (t: number, W: number) => Math.floor(t / W);

  it.each([
    { limit: 10, windowMs: 1000 },
    { limit: 3, windowMs: 7 },
  ])('fixed window %j: admitted = allowed in each aligned window', async (c) => {
    const outcomes = await run(
      { algorithm: 'fixed-window', ...c },
      stream(4, 1500, c.windowMs / c.limit, 3),
    );
    outcomes.forEach((o, j) => {
      const used = outcomes
        .slice(0, j)
        .filter((h) => h.d.allowed && windowOf(h.t, c.windowMs) === windowOf(o.t, c.windowMs))
        .reduce((s, h) => s + h.cost, 0);
      expect(o.d.allowed).toBe(used + o.cost <= c.limit);
      if (!o.d.allowed)
        expect(o.d.retryAfterMs).toBe((windowOf(o.t, c.windowMs) + 1) * c.windowMs - o.t);
    });
  });

  it.each([
    { limit: 10, windowMs: 1000 },
    { limit: 4, windowMs: 9 },
  ])('sliding log %j: admitted = allowed in every window (t − W, t]', async (c) => {
    const outcomes = await run(
      { algorithm: 'sliding-log', ...c },
      stream(5, 1500, c.windowMs / c.limit, 3),
    );
    const usedIn = (j: number, t: number) =>
      outcomes
        .slice(0, j)
        .filter((h) => h.d.allowed && h.t > t - c.windowMs && h.t <= t)
        .reduce((s, h) => s + h.cost, 0);
    outcomes.forEach((o, j) => {
      expect(o.d.allowed).toBe(usedIn(j, o.t) + o.cost <= c.limit);
      if (!o.d.allowed) {
        expect(usedIn(j, o.t + o.d.retryAfterMs) + o.cost).toBeLessThanOrEqual(c.limit);
        expect(usedIn(j, o.t + o.d.retryAfterMs - 1) + o.cost).toBeGreaterThan(c.limit);
      }
    });
  });

  it.each([
    { limit: 10, windowMs: 1000 },
    { limit: 5, windowMs: 13 },
  ])('sliding counter %j: admitted = what its formula allows', async (c) => {
    const W = c.windowMs;
    const outcomes = await run(
      { algorithm: 'sliding-counter', ...c },
      stream(6, 1500, W / c.limit, 3),
    );
    const allows = (j: number, t: number, cost: number) => {
      const k = windowOf(t, W);
      const sum = (w: number) =>
        outcomes
          .slice(0, j)
          .filter((h) => h.d.allowed && windowOf(h.t, W) === w)
          .reduce((s, h) => s + h.cost, 0);
      // prev·(W − e)/W + cur + cost ≤ limit, multiplied through by W.
      return sum(k - 1) * (W - (t - k * W)) + (sum(k) + cost) * W <= c.limit * W;
    };
    outcomes.forEach((o, j) => {
      expect(o.d.allowed, `request ${j}`).toBe(allows(j, o.t, o.cost));
      if (!o.d.allowed) {
        expect(allows(j, o.t + o.d.retryAfterMs, o.cost)).toBe(true);
        expect(allows(j, o.t + o.d.retryAfterMs - 1, o.cost)).toBe(false);
      }
    });
    // Never more than the limit in an aligned window.
    const perWindow = new Map<number, number>();
    for (const o of outcomes)
      if (o.d.allowed)
        perWindow.set(windowOf(o.t, W), (perWindow.get(windowOf(o.t, W)) ?? 0) + o.cost);
    for (const used of perWindow.values()) expect(used).toBeLessThanOrEqual(c.limit);
  });
});

describe('leaky bucket as a queue', () => {
  it.each([
    { rate: 1, periodMs: 100, capacity: 5 },
    { rate: 2, periodMs: 250, capacity: 3 },
  ])(
    '%j: departures exactly one interval apart, no needless wait, never over capacity',
    async (c) => {
      const T = c.periodMs / c.rate; // Integral here, so delayMs is exact.
      const outcomes = await run({ algorithm: 'leaky-queue', ...c }, stream(8, 3000, T, 2));
      const departures: number[] = []; // Every admitted unit's departure time.
      let admitted = 0;
      for (const o of outcomes) {
        const last = departures.at(-1);
        const first = last === undefined ? o.t : Math.max(o.t, last + T);
        const mine = Array.from({ length: o.cost }, (_, k) => first + k * T);
        const waiting = [...departures, ...mine].filter((d) => d > o.t).length;
        expect(o.d.allowed).toBe(waiting <= c.capacity);
        if (o.d.allowed) {
          admitted++;
          expect(o.d.delayMs).toBe((mine.at(-1) as number) - o.t);
          expect(o.d.remaining).toBe(c.capacity - waiting);
          departures.push(...mine);
        } else {
          expect(o.d.retryAfterMs).toBe((mine.at(-1) as number) - c.capacity * T - o.t);
        }
      }
      expect(admitted).toBeGreaterThan(500);
      expect(admitted).toBeLessThan(outcomes.length);
    },
  );
});
