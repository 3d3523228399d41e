import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { redlock } from './index.js';
import type { RedlockState } from './state.js';

const MUTEX = 'mutual exclusion: at most one node in the critical section';

const scenario = (name: string) => {
  const s = redlock.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(redlock, {
    faults: s.faults,
    trace: 'full',
    ...(s.options !== undefined && { options: s.options }),
  });
};

const broken = (r: { invariants: readonly { name: string; holds: boolean }[] }) =>
  r.invariants.filter((c) => !c.holds).map((c) => c.name);

describe('locks/redlock without faults', () => {
  it.each([1, 3, 5, 7])('costs 3N messages per attempt (N=%i instances)', (instances) => {
    const { result } = simulate(redlock, { seed: instances, options: { instances } });
    expect(result.ok).toBe(true);
    expect(result.metrics.csEntries).toBe(15);
    const attempts = result.metrics.attempts as number;
    expect(result.messages.sent).toBe(3 * instances * attempts);
    expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
  });

  it('acquires in one attempt of 3N messages when uncontended', () => {
    const { result } = simulate(redlock, { nodes: 6, options: { thinkMs: 300 } });
    expect(result.metrics.attempts).toBe(5);
    expect(result.messages.sent).toBe(5 * 15);
  });

  it('releases everywhere after a failed attempt: no key outlives the run', () => {
    const { sim } = simulate(redlock, { seed: 3 });
    const keys = sim.nodes.slice(0, 5).map((n) => (n.state as RedlockState).key);
    expect(keys).toEqual([null, null, null, null, null]);
  });
});

describe('locks/redlock scenarios', () => {
  it('clock-jump: keys expire early on a majority and two clients hold at once', () => {
    const { result } = scenario('clock-jump');
    expect(broken(result)).toEqual([MUTEX]);
    expect(result.metrics.maxInCS).toBe(2);
  });

  it('clock-jump-minority: the same jump on two of five instances breaks nothing', () => {
    expect(scenario('clock-jump-minority').result.ok).toBe(true);
  });

  it('minority-down and instance-restart hold; majority-down stalls everyone', () => {
    expect(scenario('minority-down').result.ok).toBe(true);
    const restart = scenario('instance-restart');
    expect(restart.result.ok).toBe(true);
    // Restarted instances refuse for one TTL: no grant by 1, 2 or 3 in 300..1300 ms.
    const grants = restart.sim.trace.records.filter(
      (r) =>
        r.ev === 'send' &&
        r.msg.type === 'LockReply' &&
        (r.msg as unknown as { ok: boolean }).ok &&
        r.from <= 3 &&
        r.t > 300 &&
        r.t < 1_300,
    );
    expect(grants).toEqual([]);
    const down = scenario('majority-down').result;
    expect(broken(down)).toEqual([]);
    expect(down.liveness.every((c) => c.holds)).toBe(false);
  });
});

describe('locks/redlock under random fault plans', () => {
  it('keeps mutual exclusion and serves everyone within its fault model', () => {
    const report = fuzz(redlock, { runs: 1000, seed: 21 });
    expect(report.failures).toEqual([]);
  });

  it('with 3 instances too', () => {
    const report = fuzz(redlock, { runs: 300, seed: 22, options: { instances: 3 } });
    expect(report.failures).toEqual([]);
  });
});
