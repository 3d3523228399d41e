// detect/heartbeat in the simulator: a crash is detected by every live node, a jittery link
// shows fixed timeouts' false suspicions where φ accrual has far fewer, loss breaks strong
// accuracy (a metric, not an invariant), the minority side of a partition knows it, and
// random fault plans (crashes, partitions, pauses, loss, delay, drift) never break the
// checks — the "simulated protocols fuzzed in CI".

import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { heartbeat } from './index.js';

function runScenario(name: string) {
  const s = heartbeat.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(heartbeat, {
    faults: s.faults,
    ...(s.durationMs !== undefined && { durationMs: s.durationMs }),
    ...(s.options && { options: s.options }),
  }).result;
}

describe('detect/heartbeat', () => {
  it.each(['fixed', 'phi'])(
    'sends n(n−1) heartbeats per interval and suspects nobody (%s)',
    (d) => {
      const { result } = simulate(heartbeat, { options: { detector: d } });
      expect(result.ok).toBe(true);
      expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
      expect(result.metrics.falseSuspicions).toBe(0);
    },
  );

  it.each(['fixed', 'phi'])('every live node suspects a crashed node (%s)', (d) => {
    const { result } = simulate(heartbeat, {
      faults: 'crash 5 @2000',
      options: { detector: d, timeoutMs: 300 },
    });
    expect(result.ok).toBe(true);
    expect(result.metrics.detected).toBe(1);
    // A fixed timeout detects within timeout + one interval + the worst latency.
    if (d === 'fixed') expect(result.metrics.detectionMsMax).toBeLessThanOrEqual(300 + 100 + 10);
    expect(result.metrics.detectionMsMax).toBeGreaterThan(0);
  });

  it('a crashed node that comes back is trusted again', () => {
    const { result } = simulate(heartbeat, { faults: 'crash 3 @1000; restart 3 @1500' });
    expect(result.ok).toBe(true);
    expect(result.metrics.detected).toBe(1);
  });

  it('φ accrual suspects far less than a fixed timeout on a jittery link, detecting as fast', () => {
    const fixed = runScenario('jittery-link-fixed');
    const phi = runScenario('jittery-link-phi');
    expect(fixed.ok && phi.ok).toBe(true);
    expect(fixed.metrics.falseSuspicions as number).toBeGreaterThanOrEqual(5);
    expect((phi.metrics.falseSuspicions as number) * 5).toBeLessThanOrEqual(
      fixed.metrics.falseSuspicions as number,
    );
    expect(phi.metrics.detected).toBe(1);
    expect(phi.metrics.detectionMsMax as number).toBeLessThanOrEqual(
      fixed.metrics.detectionMsMax as number,
    );
  });

  it('loss makes a short fixed timeout suspect live nodes, and the checks still hold', () => {
    const lossy = runScenario('lossy-fixed');
    expect(lossy.ok).toBe(true);
    expect(lossy.metrics.falseSuspicions as number).toBeGreaterThan(0);
  });

  it('the minority side of a partition knows it is the minority', () => {
    const r = runScenario('partition-minority');
    expect(r.ok).toBe(true);
    expect(r.metrics.minorityDeclared).toBe('1,2');
  });

  it.each(['fixed', 'phi'])('holds its checks under random fault plans (%s)', (d) => {
    expect(fuzz(heartbeat, { runs: 300, seed: 21, options: { detector: d } }).failures).toEqual([]);
  });
});
