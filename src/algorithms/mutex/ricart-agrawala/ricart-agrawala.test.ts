import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { ricartAgrawala } from './index.js';
import type { RicartAgrawalaState } from './state.js';

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

  describe('variant fd (heartbeat failure detector)', () => {
    it('still sends 2(n−1) Requests and OKs per entry without faults, heartbeats apart', () => {
      const { result } = simulate(ricartAgrawala, { nodes: 5, options: { variant: 'fd' } });
      expect(result.ok).toBe(true);
      expect(result.messageCount?.measured).toBe(result.messageCount?.expected);
      expect(result.metrics.heartbeats).toBeGreaterThan(0);
    });

    it('stops waiting for a crashed peer, and a plain run stalls on it', () => {
      const faults = 'crash 2 @300';
      const fd = simulate(ricartAgrawala, { faults, options: { variant: 'fd' } }).result;
      const plain = simulate(ricartAgrawala, { faults }).result;
      expect(fd.ok).toBe(true);
      const served = (r: typeof plain) =>
        r.liveness.find((c) => c.name === 'every live node is served all its requests');
      expect(served(fd)?.holds).toBe(true);
      expect(served(plain)?.holds).toBe(false);
      expect(fd.metrics.csEntries).toBeGreaterThan(plain.metrics.csEntries as number);
    });

    it('is safe and live under every fault its perfect detector assumes', () => {
      const report = fuzz(ricartAgrawala, { runs: 1000, seed: 6, options: { variant: 'fd' } });
      expect(report.failures).toEqual([]);
    });
  });

  describe('HDFS example (replicated file)', () => {
    it('ends with identical replicas holding every edit, under loss and duplication', () => {
      const { result, sim } = simulate(ricartAgrawala, {
        faults: 'drop 0.15 @0..2500; dup 0.1 @0..2500; reorder 0.2 @0..2500',
        options: { replicate: true },
      });
      expect(result.ok).toBe(true);
      const files = sim.nodes.map((n) => (n.state as RicartAgrawalaState).file);
      expect(new Set(files.map((f) => f.content)).size).toBe(1);
      expect(files[0]?.version).toBe(result.metrics.csEntries);
      expect(files[0]?.content.split('\n').filter(Boolean)).toHaveLength(25);
    });

    it('never loses an edit or leaves replicas apart under random fault plans', () => {
      const report = fuzz(ricartAgrawala, { runs: 500, seed: 8, options: { replicate: true } });
      expect(report.failures).toEqual([]);
    });
  });
});
