// gossip/swim in the simulator, against the paper's analysis (Das, Gupta, Motivala, DSN
// 2002, §3.1 and §5):
//   - constant load: one Ping and one Ack per member per period without loss;
//   - expected time to first detection: a member is probed in a period with probability
//     1 − (1 − 1/(n−1))^(n−1) → 1 − 1/e, so a crash is first detected after e/(e−1) ≈ 1.58
//     periods on average (without suspicion). Our members' periods are not aligned and a
//     detection lands at the end of the probing period, so we measure ~1.7 periods (20
//     seeds, n = 16) and accept 1.2–2.3;
//   - false positives: with message loss q and k indirect probes (no member crashed), a
//     probe wrongly declares its target failed when the Ping or its Ack is lost and each of
//     the k indirect paths (4 messages) loses one: (1 − (1−q)²)·(1 − (1−q)⁴)^k — the
//     paper's formula with q_f = 0. Measured (n = 16, 30 s, suspicion off): q = 0.1 →
//     0.0073 against 0.0077; q = 0.2 → 0.055 against 0.074 (a declared member is no longer
//     probed, so fewer probes face the loss). We accept half to 1.5 times the formula;
//   - the suspicion mechanism (§4.2) turns most of those into refuted suspicions.

import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { swim } from './index.js';

function runScenario(name: string, options: Record<string, boolean> = {}) {
  const s = swim.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(swim, {
    faults: s.faults,
    ...(s.nodes !== undefined && { nodes: s.nodes }),
    ...(s.durationMs !== undefined && { durationMs: s.durationMs }),
    options: { ...s.options, ...options },
  }).result;
}

const num = (x: unknown) => x as number;

describe('gossip/swim', () => {
  it('sends one Ping and one Ack per member per period, and suspects nobody', () => {
    const { result } = simulate(swim, { nodes: 12 });
    expect(result.ok).toBe(true);
    expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
    expect(result.metrics.suspicionsRaised).toBe(0);
  });

  it('detects a crash, and every live member learns it by piggyback', () => {
    const r = runScenario('crash-detected');
    expect(r.ok).toBe(true);
    expect(r.metrics.detected).toBe(1);
    // Detection waits for the suspicion timeout (4 periods at n = 8) after the first probe.
    expect(num(r.metrics.firstDetectionMsMean)).toBeGreaterThanOrEqual(400);
    expect(num(r.metrics.detectionMsMax)).toBeGreaterThanOrEqual(
      num(r.metrics.firstDetectionMsMean),
    );
  });

  it('first detects a crash after about e/(e−1) periods without suspicion', () => {
    const firsts = Array.from({ length: 20 }, (_, i) => {
      const { result } = simulate(swim, {
        nodes: 16,
        seed: i + 1,
        faults: 'crash 7 @1000',
        options: { suspicion: false },
      });
      expect(result.ok).toBe(true);
      return num(result.metrics.firstDetectionMsMean) / 100;
    });
    const mean = firsts.reduce((a, b) => a + b, 0) / firsts.length;
    expect(mean).toBeGreaterThanOrEqual(1.2);
    expect(mean).toBeLessThanOrEqual(2.3);
  });

  it.each([0.1, 0.2])(
    'declares live members failed at the rate the paper predicts (loss %f)',
    (q) => {
      const { result } = simulate(swim, {
        nodes: 16,
        seed: 3,
        durationMs: 30_000,
        faults: `drop ${q} @0..30000`,
        options: { suspicion: false },
      });
      expect(result.ok).toBe(true);
      const predicted = (1 - (1 - q) ** 2) * (1 - (1 - q) ** 4) ** 3;
      const measured = num(result.metrics.declarationsPerProbe);
      expect(measured).toBeGreaterThanOrEqual(predicted / 2);
      expect(measured).toBeLessThanOrEqual(predicted * 1.5);
    },
  );

  it('suspicion with refutation saves members a failed probe would declare dead', () => {
    const bare = runScenario('lossy-no-suspicion');
    const suspicion = runScenario('lossy-suspicion');
    expect(bare.ok && suspicion.ok).toBe(true);
    expect(num(bare.metrics.falseSuspicions)).toBeGreaterThan(0);
    expect(num(suspicion.metrics.refutations)).toBeGreaterThan(0);
    expect(num(suspicion.metrics.falseSuspicions)).toBeLessThan(num(bare.metrics.falseSuspicions));
  });

  it('the two sides of a healed partition rejoin', () => {
    const r = runScenario('partition-rejoin');
    expect(r.ok).toBe(true);
    expect(num(r.metrics.falseSuspicions)).toBeGreaterThan(0);
    expect(num(r.metrics.refutations)).toBeGreaterThan(0);
  });

  it('Lifeguard makes a slow member raise fewer suspicions', () => {
    const plain = runScenario('slow-member-lifeguard', { lifeguard: false });
    const lifeguard = runScenario('slow-member-lifeguard');
    expect(plain.ok && lifeguard.ok).toBe(true);
    expect(num(lifeguard.metrics.suspicionsRaised)).toBeLessThan(
      num(plain.metrics.suspicionsRaised),
    );
  });

  it.each([false, true])(
    'holds its checks under random fault plans (lifeguard %s)',
    (lifeguard) => {
      expect(fuzz(swim, { runs: 1000, seed: 19, options: { lifeguard } }).failures).toEqual([]);
    },
  );
});
