// Round robin, least connections and power of two choices: rotation, in-flight tracking,
// health checks, P2C's distribution under skewed load, determinism, and bad configuration.

import { describe, expect, it } from 'vitest';
import { Prng } from '../../core/prng.js';
import { ManualClock } from '../clock.js';
import { BalanceError, createBalancer, MAX_WEIGHT } from './index.js';
import { LeastConnections } from './least-connections.js';
import { PowerOfTwoChoices } from './power-of-two.js';
import { RoundRobin } from './round-robin.js';

const abc = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
const picks = (lb: { pick(): string | null }, n: number) =>
  Array.from({ length: n }, () => lb.pick());

describe('round robin', () => {
  it('rotates in table order, ignoring weights', () => {
    const lb = new RoundRobin(
      [{ id: 'a', weight: 5 }, { id: 'b' }, { id: 'c' }],
      new ManualClock(),
    );
    expect(picks(lb, 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('skips a peer marked down and takes it back after a passing check', () => {
    const lb = new RoundRobin(abc, new ManualClock(), { healthyAfter: 2, unhealthyAfter: 2 });
    lb.pool.checkResult('b', false);
    expect(picks(lb, 3)).toEqual(['a', 'b', 'c']); // One failed check is not enough.
    lb.pool.checkResult('b', false);
    expect(picks(lb, 4)).toEqual(['a', 'c', 'a', 'c']);
    lb.pool.checkResult('b', true);
    expect(picks(lb, 2)).toEqual(['a', 'c']); // Needs two passes in a row.
    lb.pool.checkResult('b', true);
    expect(picks(lb, 3)).toEqual(['a', 'b', 'c']);
  });

  it('returns null when every peer is down', () => {
    const lb = new RoundRobin(abc, new ManualClock());
    for (const p of abc) lb.pool.markDown(p.id);
    expect(lb.pick()).toBeNull();
    lb.pool.checkResult('c', true);
    expect(picks(lb, 2)).toEqual(['c', 'c']);
  });

  it('skips excluded peers (the ones a retry already tried)', () => {
    const lb = new RoundRobin(abc, new ManualClock());
    expect(lb.pick(new Set(['a']))).toBe('b');
    expect(lb.pick(new Set(['c', 'a']))).toBe('b');
    expect(lb.pick(new Set(['a', 'b', 'c']))).toBeNull();
  });
});

describe('least connections', () => {
  it('tracks requests in flight: a released peer is chosen next', () => {
    const lb = new LeastConnections(abc, new ManualClock());
    expect(picks(lb, 3)).toEqual(['a', 'b', 'c']); // Ties rotate.
    lb.release('b');
    expect(lb.pick()).toBe('b');
    lb.release('c');
    lb.release('c'); // Released twice: the count stops at zero.
    expect(lb.pool.get('c').inflight).toBe(0);
    expect(picks(lb, 4)).toEqual(['c', 'a', 'b', 'c']); // c was idle, then ties rotate.
    expect(lb.pool.peers.map((p) => p.inflight)).toEqual([2, 2, 2]);
  });

  it('weights the load: a peer of weight 2 carries twice the requests in flight', () => {
    const lb = new LeastConnections([{ id: 'a', weight: 2 }, { id: 'b' }], new ManualClock());
    const seq = picks(lb, 30);
    expect(seq.filter((id) => id === 'a').length).toBe(20);
    expect(lb.pool.get('a').inflight).toBe(20);
    expect(lb.pool.get('b').inflight).toBe(10);
  });

  it('sends new requests away from a peer holding long requests', () => {
    // Each tick one request arrives; a's requests last 10 ticks, b's and c's 1 tick.
    const lb = new LeastConnections(abc, new ManualClock());
    const hold: Record<string, number> = { a: 10, b: 1, c: 1 };
    const running: { id: string; until: number }[] = [];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let tick = 0; tick < 1000; tick++) {
      for (const r of running.filter((r) => r.until === tick)) lb.release(r.id);
      const id = lb.pick() as string;
      counts[id] = (counts[id] ?? 0) + 1;
      running.push({ id, until: tick + (hold[id] as number) });
      for (const p of lb.pool.peers)
        expect(p.inflight).toBe(running.filter((r) => r.id === p.id && r.until > tick).length);
    }
    expect(counts.a).toBeLessThan(100);
    expect(Math.abs((counts.b as number) - (counts.c as number))).toBeLessThanOrEqual(1);
  });
});

describe('power of two choices', () => {
  function skewedRun(seed: number) {
    // Five peers; requests to p0 last 20 ticks, to the others 2; one request per tick.
    const peers = Array.from({ length: 5 }, (_, i) => ({ id: `p${i}` }));
    const lb = new PowerOfTwoChoices(peers, new ManualClock(), new Prng(seed, 'p2c'));
    const running: { id: string; until: number }[] = [];
    const sequence: string[] = [];
    for (let tick = 0; tick < 10_000; tick++) {
      for (let k = running.length - 1; k >= 0; k--) {
        const r = running[k] as { id: string; until: number };
        if (r.until === tick) {
          lb.release(r.id);
          running.splice(k, 1);
        }
      }
      const id = lb.pick() as string;
      sequence.push(id);
      running.push({ id, until: tick + (id === 'p0' ? 20 : 2) });
    }
    const counts = peers.map((p) => sequence.filter((id) => id === p.id).length);
    return { sequence, counts };
  }

  it('moves load away from the slow peer (uniform would give it 20 %)', () => {
    const { counts } = skewedRun(7);
    const [slow, ...fast] = counts as [number, ...number[]];
    expect(slow).toBeLessThan(1000); // < 10 %
    expect(slow).toBeGreaterThan(0); // Still sampled: it wins when paired with a busier peer.
    for (const c of fast) expect(Math.abs(c - 10_000 / 5)).toBeLessThan(500);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(10_000);
  });

  it('is reproducible from its seed', () => {
    expect(skewedRun(7).sequence).toEqual(skewedRun(7).sequence);
    expect(skewedRun(8).sequence).not.toEqual(skewedRun(7).sequence);
  });

  it('spreads evenly over idle equal peers and never draws a down peer', () => {
    const lb = new PowerOfTwoChoices(abc, new ManualClock(), new Prng(3, 'p2c'));
    lb.pool.markDown('c');
    const seq = picks(lb, 300);
    expect(seq).not.toContain('c');
    for (const id of seq) lb.release(id as string);
    expect(seq.filter((id) => id === 'a').length).toBeGreaterThan(100);
  });
});

describe('configuration errors', () => {
  const clock = new ManualClock();
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(BalanceError);
      return (e as BalanceError).code;
    }
    throw new Error('no error');
  };

  it('refuses bad peers, weights and options with typed errors', () => {
    expect(code(() => new RoundRobin([], clock))).toBe('invalid-peer');
    expect(code(() => new RoundRobin([{ id: 'a' }, { id: 'a' }], clock))).toBe('duplicate-peer');
    expect(code(() => new RoundRobin([{ id: 'a b' }], clock))).toBe('invalid-peer');
    for (const weight of [0, -1, 1.5, Number.NaN, MAX_WEIGHT + 1])
      expect(code(() => new RoundRobin([{ id: 'a', weight }], clock))).toBe('invalid-weight');
    expect(code(() => new RoundRobin(abc, clock, { slowStartMs: -5 }))).toBe('invalid-option');
    expect(code(() => new RoundRobin(abc, clock, { failTimeoutMs: Number.NaN }))).toBe(
      'invalid-option',
    );
    expect(code(() => createBalancer({ policy: 'p2c', peers: abc, clock }))).toBe('invalid-option');
    const lb = new RoundRobin(abc, clock);
    expect(code(() => lb.release('z'))).toBe('unknown-peer');
    expect(code(() => lb.pool.checkResult('z', true))).toBe('unknown-peer');
  });

  it('adds and removes peers at run time (a registry change)', () => {
    const lb = createBalancer({ policy: 'swrr', peers: abc, clock });
    lb.pool.add({ id: 'd', weight: 3 });
    lb.pool.remove('a');
    const seq = picks(lb, 50);
    expect(seq).not.toContain('a');
    expect(seq.filter((id) => id === 'd').length).toBe(30);
    expect(code(() => lb.pool.add({ id: 'b' }))).toBe('duplicate-peer');
  });
});
