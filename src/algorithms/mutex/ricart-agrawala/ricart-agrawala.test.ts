import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { ricartAgrawala } from './index.js';

describe('mutex/ricart-agrawala', () => {
  // Notes 001 §2.1: enter after OK from all n−1 others — 2(n−1) messages per entry.
  it.each([3, 5, 9])('sends exactly 2(n−1) messages per entry without faults (n=%i)', (n) => {
    const { result } = simulate(ricartAgrawala, { nodes: n, seed: 2 * n });
    expect(result.ok).toBe(true);
    expect(result.metrics.csEntries).toBe(n * 5);
    expect(result.metrics.messagesPerEntry).toBe(2 * (n - 1));
  });

  it('serves requests in (Lamport timestamp, id) order', () => {
    const { sim } = simulate(ricartAgrawala, {
      nodes: 5,
      seed: 9,
      trace: 'full',
      options: { thinkMs: 5 },
    });
    const requests = new Map<number, { ts: number; id: number }[]>();
    const entries: { ts: number; id: number }[] = [];
    for (const r of sim.trace.records) {
      if (r.ev === 'send' && r.msg.type === 'Request' && r.to === (r.from === 1 ? 2 : 1)) {
        const list = requests.get(r.from) ?? [];
        list.push({ ts: (r.msg as unknown as { ts: number }).ts, id: r.from });
        requests.set(r.from, list);
      }
      if (r.ev === 'output' && r.output.type === 'enter')
        entries.push(requests.get(r.node)!.shift()!);
    }
    expect(entries.length).toBe(25);
    const sorted = [...entries].sort((a, b) => a.ts - b.ts || a.id - b.id);
    expect(entries).toEqual(sorted);
  });

  it('keeps mutual exclusion and serves everyone after heal under random fault plans', () => {
    expect(fuzz(ricartAgrawala, { runs: 1000, seed: 5 }).failures).toEqual([]);
  });
});
