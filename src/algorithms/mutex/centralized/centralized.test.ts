import { describe, expect, it } from 'vitest';
import { fuzz, randomFaultPlan } from '../../../sim/fuzz.js';
import { resolveOptions, simulate } from '../../../sim/run.js';
import { centralized } from './index.js';
import type { CentralizedState } from './state.js';

describe('mutex/centralized', () => {
  // Notes 000 / 001 §2.1: request, grant, release — exactly 3 messages per entry.
  it.each([3, 5, 9])('sends exactly 3 messages per entry without faults (n=%i)', (n) => {
    const { result } = simulate(centralized, { nodes: n, seed: n });
    expect(result.ok).toBe(true);
    expect(result.metrics.csEntries).toBe((n - 1) * 5);
    expect(result.metrics.messagesPerEntry).toBe(3);
    expect(result.messageCount).toMatchObject({
      expected: result.messages.sent,
      measured: result.messages.sent,
    });
  });

  it('reports the coordinator load: 100 programs → 300 messages', () => {
    const scenario = centralized.scenarios.find((s) => s.name === 'coordinator-load')!;
    const { result } = simulate(centralized, {
      nodes: 101,
      faults: '',
      options: scenario.options!,
    });
    expect(result.metrics.coordinatorMessages).toBe(300);
  });

  it('grants in the order requests reached the coordinator (first come, first served)', () => {
    const { sim } = simulate(centralized, {
      nodes: 6,
      seed: 3,
      trace: 'full',
      options: { thinkMs: 5, holdMs: 20 },
    });
    const arrivals: string[] = [];
    const grants: string[] = [];
    for (const r of sim.trace.records) {
      if (r.ev === 'deliver' && r.to === 1 && r.msg.type === 'Request') {
        const key = `${r.from}:${(r.msg as unknown as { req: number }).req}`;
        if (!arrivals.includes(key)) arrivals.push(key);
      }
      if (r.ev === 'send' && r.from === 1 && r.msg.type === 'Grant')
        grants.push(`${r.to}:${(r.msg as unknown as { req: number }).req}`);
    }
    expect(grants.length).toBe(25);
    expect(grants).toEqual(arrivals);
  });

  it('keeps mutual exclusion and serves everyone under random fault plans', () => {
    const report = fuzz(centralized, { runs: 1000, seed: 11 });
    expect(report.failures).toEqual([]);
  });

  describe('--failover', () => {
    const failover = { failover: true };

    it('keeps 3 messages per entry without faults, heartbeats apart', () => {
      const { result } = simulate(centralized, { nodes: 5, options: failover });
      expect(result.ok).toBe(true);
      expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
      expect(result.metrics.elections).toBe(0);
    });

    it('elects node 2 when node 1 dies; it rebuilds the queue and serves everyone', () => {
      const { result, sim } = simulate(centralized, {
        faults: 'crash 1 @200',
        options: { ...failover, thinkMs: 20 },
      });
      expect(result.ok).toBe(true);
      const states = sim.nodes.filter((n) => n.up).map((n) => n.state as CentralizedState);
      expect(states.map((s) => s.coord)).toEqual([2, 2, 2, 2]);
      expect(states[0]?.role).toBe('coordinator');
      expect(states.map((s) => s.served)).toEqual([5, 5, 5, 5]);
    });

    it('rebuilds the holder from a client that is inside when the coordinator dies', () => {
      // Long critical sections: node 1 dies while one client is surely inside.
      const { result } = simulate(centralized, {
        faults: 'crash 1 @400',
        options: { ...failover, requests: 2, holdMs: 300, thinkMs: 20 },
      });
      expect(result.ok).toBe(true);
      expect(result.metrics.maxInCS).toBe(1);
    });

    it('the fuzzer really fails coordinators over under its fault model', () => {
      const model = centralized.faultModel?.(resolveOptions(centralized, failover));
      let elections = 0;
      for (let seed = 1; seed <= 40; seed++) {
        const plan = randomFaultPlan(seed, 5, 3_000, model);
        const { result } = simulate(centralized, { seed, faults: plan, options: failover });
        elections += result.metrics.elections as number;
      }
      expect(elections).toBeGreaterThan(0);
    });

    it('is safe and live under every fault its perfect detector assumes', () => {
      const report = fuzz(centralized, { runs: 1000, seed: 12, options: failover });
      expect(report.failures).toEqual([]);
    });
  });
});
