// Bad input gets a typed LimitError (negative rates, zero bursts, NaN, costs that can never
// pass, bad keys, a broken clock); the key table stays bounded without forgetting a key that
// still counts; a clock stepping back admits nothing extra.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ALGORITHMS, createLimiter, LimitError, type LimiterConfig } from './index.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LimitError);
    return (e as LimitError).code;
  }
  throw new Error('no error thrown');
}

const clock = new ManualClock();
const make = (config: unknown) => () => createLimiter(config as LimiterConfig, clock);

describe('configuration errors', () => {
  it.each([-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', undefined])(
    'rate %s is refused',
    (rate) => {
      expect(codeOf(make({ algorithm: 'token-bucket', rate }))).toBe('invalid-rate');
      expect(codeOf(make({ algorithm: 'gcra', rate, burst: 2 }))).toBe('invalid-rate');
      expect(codeOf(make({ algorithm: 'sliding-log', limit: rate }))).toBe('invalid-rate');
    },
  );

  it.each([0, -3, Number.NaN, 2.5])('burst or capacity %s is refused', (burst) => {
    for (const algorithm of ['token-bucket', 'leaky-meter', 'gcra'])
      expect(codeOf(make({ algorithm, rate: 5, burst }))).toBe('invalid-burst');
    expect(codeOf(make({ algorithm: 'leaky-queue', rate: 5, capacity: burst }))).toBe(
      'invalid-burst',
    );
  });

  it('refuses bad periods, windows, overflowing products and unknown algorithms', () => {
    expect(codeOf(make({ algorithm: 'token-bucket', rate: 1, periodMs: 0 }))).toBe('invalid-rate');
    expect(codeOf(make({ algorithm: 'fixed-window', limit: 3, windowMs: -1 }))).toBe(
      'invalid-window',
    );
    expect(codeOf(make({ algorithm: 'sliding-counter', limit: 2 ** 40, windowMs: 2 ** 20 }))).toBe(
      'invalid-window',
    );
    expect(
      codeOf(make({ algorithm: 'token-bucket', rate: 1, burst: 2 ** 45, periodMs: 2 ** 10 })),
    ).toBe('invalid-burst');
    expect(codeOf(make({ algorithm: 'leaky-queue', rate: 1 }))).toBe('invalid-burst');
    expect(codeOf(make({ algorithm: 'nope', rate: 1 }))).toBe('invalid-rate');
    expect(codeOf(() => createLimiter({ algorithm: 'gcra', rate: 1 }, clock, { maxKeys: 0 }))).toBe(
      'too-many-keys',
    );
  });
});

describe('request errors', () => {
  it.each(ALGORITHMS)(
    '%s: bad costs and keys are refused, and nothing is counted',
    async (algorithm) => {
      const config = { algorithm, rate: 2, limit: 2, burst: 2, capacity: 2 } as LimiterConfig;
      const limiter = createLimiter(config, new ManualClock());
      for (const cost of [0, -1, 1.5, Number.NaN, 3])
        await expect(limiter.decide('k', cost)).rejects.toMatchObject({ code: 'invalid-cost' });
      await expect(limiter.decide(5 as unknown as string)).rejects.toMatchObject({
        code: 'invalid-key',
      });
      await expect(limiter.decide('x'.repeat(2000))).rejects.toMatchObject({ code: 'invalid-key' });
      expect((await limiter.decide('k', 2)).allowed).toBe(true); // The full limit is still there.
    },
  );

  it('a clock returning NaN is an error, not an admission', () => {
    const broken = { nowMs: () => Number.NaN };
    expect(codeOf(() => createLimiter({ algorithm: 'token-bucket', rate: 1 }, broken))).toBe(
      'invalid-time',
    );
    let t = 0;
    const flaky = { nowMs: () => (t++ === 0 ? 0 : Number.NaN) };
    const limiter = createLimiter({ algorithm: 'token-bucket', rate: 1 }, flaky);
    expect(codeOf(() => limiter.decideNow('k'))).toBe('invalid-time');
  });
});

describe('time and memory', () => {
  it.each(ALGORITHMS)('%s: a clock stepping back admits nothing extra', (algorithm) => {
    const c = new ManualClock(10_000);
    const limiter = createLimiter(
      {
        algorithm,
        rate: 1,
        periodMs: 1000,
        limit: 1,
        windowMs: 1000,
        capacity: 1,
      } as LimiterConfig,
      c,
    );
    expect(limiter.decideNow('k').allowed).toBe(true);
    // Use up the limit (the queue also holds one waiting request).
    let tries = 0;
    while (limiter.decideNow('k').allowed) expect(++tries).toBeLessThan(2);
    c.set(-50_000); // An NTP step backwards.
    expect(limiter.decideNow('k').allowed).toBe(false);
    c.set(10_000 + 3000);
    expect(limiter.decideNow('k').allowed).toBe(true);
  });

  it('bounds the key table: idle keys are dropped, busy ones are kept and new keys refused', () => {
    const c = new ManualClock();
    const limiter = createLimiter({ algorithm: 'token-bucket', rate: 1, periodMs: 1000 }, c, {
      maxKeys: 3,
    });
    for (const key of ['a', 'b', 'c']) expect(limiter.decideNow(key).allowed).toBe(true);
    expect(codeOf(() => limiter.decideNow('d'))).toBe('too-many-keys');
    expect(limiter.decideNow('a').allowed).toBe(false); // Existing keys still answer.
    c.advance(1000); // Every bucket refilled: all three are at rest and can be forgotten.
    expect(limiter.decideNow('d').allowed).toBe(true);
    expect(limiter.size).toBeLessThanOrEqual(3);
  });
});
