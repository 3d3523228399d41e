import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { znodeQueue } from './index.js';
import { FIFO, LIVE_MUTEX } from './invariants.js';
import type { ZnodeQueueState } from './state.js';

const MUTEX = 'mutual exclusion: at most one node in the critical section';

const scenario = (name: string) => {
  const s = znodeQueue.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(znodeQueue, {
    faults: s.faults,
    trace: 'full',
    ...(s.nodes !== undefined && { nodes: s.nodes }),
    ...(s.options !== undefined && { options: s.options }),
  });
};

const broken = (r: { invariants: readonly { name: string; holds: boolean }[] }) =>
  r.invariants.filter((c) => !c.holds).map((c) => c.name);

/** Watchers woken by each removal of an entry, in order. */
const woken = (sim: { outputs: readonly { output: { type: string } }[] }) =>
  sim.outputs.flatMap((o) =>
    o.output.type === 'unlock' ? [(o.output as unknown as { woken: number }).woken] : [],
  );

describe('locks/znode-queue without faults', () => {
  it.each([2, 5, 9])('matches its message count, ≤ 7 per acquire (n=%i)', (n) => {
    const { result, sim } = simulate(znodeQueue, { nodes: n, seed: n, trace: 'full' });
    expect(result.ok).toBe(true);
    expect(result.metrics.csEntries).toBe((n - 1) * 5);
    expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
    expect(result.metrics.messagesPerAcquire as number).toBeLessThanOrEqual(7);
    // The recipe: a release wakes at most one waiter.
    expect(Math.max(...woken(sim))).toBeLessThanOrEqual(1);
  });

  it('grants in entry order (FIFO) and numbers entries 1, 2, 3, …', () => {
    const { sim } = simulate(znodeQueue, { nodes: 6, seed: 2, trace: 'full' });
    const tokens = sim.outputs
      .filter((o) => o.output.type === 'enter')
      .map((o) => (o.output as unknown as { token: number }).token);
    expect(tokens).toEqual(tokens.map((_, i) => i + 1));
  });

  it('the herd effect: a crowd costs O(1) per acquire with the recipe, O(n) with --herd', () => {
    const recipe = scenario('predecessor-watch');
    const herd = scenario('herd-effect');
    for (const { result } of [recipe, herd]) {
      expect(result.ok).toBe(true);
      expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
    }
    expect(recipe.result.metrics.messagesPerAcquire as number).toBeLessThanOrEqual(7);
    expect(Math.max(...woken(recipe.sim))).toBe(1);
    // With --herd a release wakes every waiter watching the holder: many at once.
    expect(Math.max(...woken(herd.sim))).toBeGreaterThanOrEqual(10);
    const ratio =
      (herd.result.metrics.messagesPerAcquire as number) /
      (recipe.result.metrics.messagesPerAcquire as number);
    expect(ratio).toBeGreaterThan(4);
  });
});

describe('locks/znode-queue scenarios', () => {
  it('client-crash-expires-session: the dead client’s entry goes with its session', () => {
    const { result, sim } = scenario('client-crash-expires-session');
    expect(result.ok).toBe(true);
    const coordinator = sim.nodes[0]!.state as ZnodeQueueState;
    expect(coordinator.sessions.some((v) => v.client === 3)).toBe(false);
    expect(coordinator.entries.some((e) => e.client === 3)).toBe(false);
    expect(coordinator.expired['3']).toBe(1);
  });

  it('coordinator-restart: durable sessions and entries, everyone served', () => {
    expect(scenario('coordinator-restart').result.ok).toBe(true);
  });

  it('gc-pause: live-session exclusion and FIFO hold, but the paused client still believes', () => {
    const { result } = scenario('gc-pause');
    const failed = broken(result);
    expect(failed).toEqual([MUTEX]);
    expect(failed).not.toContain(LIVE_MUTEX);
    expect(failed).not.toContain(FIFO);
  });
});

describe('locks/znode-queue under random fault plans', () => {
  it('keeps every invariant and serves everyone within its fault model', () => {
    const report = fuzz(znodeQueue, { runs: 500, seed: 31 });
    expect(report.failures).toEqual([]);
  });

  it('the same with --herd', () => {
    const report = fuzz(znodeQueue, { runs: 300, seed: 32, options: { herd: true } });
    expect(report.failures).toEqual([]);
  });

  it('keeps exclusion among live sessions and FIFO even with pauses unbounded', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const faults = `pause ${2 + (seed % 4)} @${seed * 11}..${seed * 11 + 2_500}; drop 0.1`;
      const { result } = simulate(znodeQueue, { seed, faults });
      const failed = broken(result);
      expect(failed).not.toContain(LIVE_MUTEX);
      expect(failed).not.toContain(FIFO);
    }
  });
});
