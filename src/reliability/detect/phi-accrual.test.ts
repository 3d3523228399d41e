// The φ accrual detector against the paper's definition (Hayashibara et al., SRDS 2004 §4):
// φ = −log10(1 − F(elapsed)) for a normal F with the window's mean and deviation. The
// expected values are hand-computed from the normal distribution's table (and Python's
// math.erfc); the properties are the paper's: φ grows with silence, and suspecting at
// threshold Φ is the same as φ ≥ Φ.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initPhiHistory,
  type PhiConfig,
  phi,
  phiDeadlineMs,
  phiDetector,
  phiHeartbeat,
  phiMeanMs,
  phiOfStandardized,
  phiStdDeviationMs,
  phiSuspects,
} from './phi-accrual.js';

const base: PhiConfig = {
  threshold: 8,
  maxSampleSize: 3,
  minStdDeviationMs: 1,
  acceptableHeartbeatPauseMs: 0,
  firstHeartbeatEstimateMs: 100,
};

/** A window of exactly [90, 100, 110]: mean 100, standard deviation √(200/3) ≈ 8.165. */
function regularHistory(config: PhiConfig = base) {
  const d = phiDetector(config);
  const h = initPhiHistory(0, d); // Seeds [75, 125].
  for (const t of [90, 190, 300]) phiHeartbeat(h, t, d);
  return { h, d };
}

describe('phi accrual: the normal tail', () => {
  // −log10(1 − Φ(y)) for the standard normal Φ.
  it.each([
    [-1, 0.075026],
    [0, 0.30103],
    [1, 0.799546],
    [2, 1.643016],
    [3, 2.869699],
    [5, 6.542646],
    [8, 15.206143],
  ])('φ(y = %d) = %f', (y, expected) => {
    expect(phiOfStandardized(y)).toBeCloseTo(expected, 5);
  });

  it('stays finite and increasing far into the tail', () => {
    const far = [10, 20, 30, 39].map(phiOfStandardized);
    for (const v of far) expect(Number.isFinite(v)).toBe(true);
    for (let i = 1; i < far.length; i++) expect(far[i]).toBeGreaterThan(far[i - 1] as number);
  });
});

describe('phi accrual: a history', () => {
  it('keeps a sliding window of inter-arrival times', () => {
    const { h, d } = regularHistory();
    expect(h.intervalsMs).toEqual([90, 100, 110]);
    expect(phiMeanMs(h)).toBe(100);
    expect(phiStdDeviationMs(h, d)).toBeCloseTo(Math.sqrt(200 / 3), 9);
  });

  it.each([
    [400, 0.30103], // elapsed 100 = the mean
    [430, 3.923426], // y = 30 / 8.165 = 3.674
    [450, 9.340022], // y = 6.124
  ])('φ at %d ms matches the hand-computed value %f', (now, expected) => {
    const { h, d } = regularHistory();
    expect(phi(h, now, d)).toBeCloseTo(expected, 5);
  });

  it('adds the acceptable pause to the mean and floors the deviation', () => {
    const paused = regularHistory({ ...base, acceptableHeartbeatPauseMs: 20 });
    expect(phi(paused.h, 450, paused.d)).toBeCloseTo(3.923426, 5); // y = (150 − 120)/8.165
    const floored = regularHistory({ ...base, minStdDeviationMs: 20 });
    expect(phi(floored.h, 430, floored.d)).toBeCloseTo(1.175177, 5); // y = 30/20
  });

  it('suspects exactly when φ reaches the threshold', () => {
    const { h, d } = regularHistory();
    const deadline = phiDeadlineMs(h, d);
    expect(phi(h, deadline, d)).toBeCloseTo(8, 9);
    expect(phiSuspects(h, deadline - 0.01, d)).toBe(false);
    expect(phiSuspects(h, deadline, d)).toBe(true);
  });

  it('does not learn from the arrival that ends a suspicion (Akka)', () => {
    const { h, d } = regularHistory();
    phiHeartbeat(h, 5_000, d); // Long after the deadline: a failure's gap, not a sample.
    expect(h.intervalsMs).toEqual([90, 100, 110]);
    expect(h.lastHeardMs).toBe(5_000);
    phiHeartbeat(h, 5_100, d);
    expect(h.intervalsMs).toEqual([100, 110, 100]);
  });

  it('refuses configurations outside the model', () => {
    expect(() => phiDetector({ ...base, threshold: 0 })).toThrow(/threshold/);
    expect(() => phiDetector({ ...base, maxSampleSize: 0 })).toThrow(/maxSampleSize/);
    expect(() => phiDetector({ ...base, minStdDeviationMs: -1 })).toThrow(/minStdDeviation/);
    expect(() => phiDetector({ ...base, acceptableHeartbeatPauseMs: -1 })).toThrow(/Pause/);
    expect(() => phiDetector({ ...base, firstHeartbeatEstimateMs: 0 })).toThrow(/Estimate/);
  });
});

describe('phi accrual: properties', () => {
  const arrivals = fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 60 });
  const config = fc.record({
    threshold: fc.double({ min: 0.5, max: 20, noNaN: true }),
    maxSampleSize: fc.integer({ min: 1, max: 20 }),
    minStdDeviationMs: fc.integer({ min: 1, max: 200 }),
    acceptableHeartbeatPauseMs: fc.integer({ min: 0, max: 300 }),
    firstHeartbeatEstimateMs: fc.integer({ min: 1, max: 1000 }),
  });

  function replay(c: PhiConfig, gaps: readonly number[]) {
    const d = phiDetector(c);
    const h = initPhiHistory(0, d);
    let t = 0;
    for (const gap of gaps) {
      t += gap;
      phiHeartbeat(h, t, d);
    }
    return { h, d, t };
  }

  it('φ never falls while the silence grows (paper §4: it accrues)', () => {
    fc.assert(
      fc.property(config, arrivals, fc.array(fc.integer({ min: 0, max: 2000 })), (c, gaps, s) => {
        const { h, d, t } = replay(c, gaps);
        const levels = [...s].sort((a, b) => a - b).map((e) => phi(h, t + e, d));
        for (let i = 1; i < levels.length; i++)
          expect(levels[i]).toBeGreaterThanOrEqual(levels[i - 1] as number);
      }),
    );
  });

  it('suspects iff φ ≥ threshold, and keeps at most maxSampleSize samples', () => {
    fc.assert(
      fc.property(config, arrivals, fc.integer({ min: 0, max: 5000 }), (c, gaps, e) => {
        const { h, d, t } = replay(c, gaps);
        expect(h.intervalsMs.length).toBeLessThanOrEqual(c.maxSampleSize);
        const level = phi(h, t + e, d);
        if (Math.abs(level - c.threshold) > 1e-6)
          expect(phiSuspects(h, t + e, d)).toBe(level >= c.threshold);
      }),
    );
  });
});
