import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { centralized } from './index.js';

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
});
