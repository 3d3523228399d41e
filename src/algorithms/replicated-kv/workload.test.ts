// The shared client workload: what it draws, in which order, and what a client remembers.
// The draw order is part of every replication algorithm's traces, so it is pinned here.

import { describe, expect, it } from 'vitest';
import { Prng } from '../../core/prng.js';
import type { KvOp } from './ops.js';
import {
  FULL_MIX,
  type KvWorkload,
  nextKvOp,
  observeCompletion,
  PUT_GET_MIX,
  type SeenValues,
  thinkTime,
} from './workload.js';

const full: KvWorkload = { keys: 3, thinkMs: 20, mix: FULL_MIX };

function draw(w: KvWorkload, n: number, seed = 7): KvOp[] {
  const random = new Prng(seed, 'client');
  return Array.from({ length: n }, (_, i) => nextKvOp(random, w, 4, i + 1, new Map()));
}

describe('replicated-kv workload', () => {
  it('draws the key, then the operation by the mix, from the stream alone', () => {
    const a = new Prng(3, 'x');
    const b = new Prng(3, 'x');
    const op = nextKvOp(a, full, 9, 2, new Map());
    // The same two draws by hand: the key, then a roll over the mix's total weight (10).
    const key = `k${b.int(3)}`;
    const roll = b.int(10);
    const type = roll < 4 ? 'get' : roll < 7 ? 'put' : roll < 9 ? 'cas' : 'delete';
    expect(op).toMatchObject({ type, key });
    if (op.type === 'put' || op.type === 'cas') expect(op.value).toBe('9.2');
    expect(a.int(1000)).toBe(b.int(1000)); // Nothing else was drawn.
  });

  it('follows the mix: every operation in FULL_MIX, only reads and puts in PUT_GET_MIX', () => {
    const count = (ops: KvOp[]) => {
      const m: Record<string, number> = {};
      for (const o of ops) m[o.type] = (m[o.type] ?? 0) + 1;
      return m;
    };
    const many = count(draw(full, 2000));
    expect(Object.keys(many).sort()).toEqual(['cas', 'delete', 'get', 'put']);
    expect(many.get).toBeGreaterThan(many.put ?? 0);
    expect(many.cas).toBeGreaterThan(many.delete ?? 0);
    const putGet = count(draw({ ...full, mix: PUT_GET_MIX }, 500));
    expect(Object.keys(putGet).sort()).toEqual(['get', 'put']);
    expect(new Set(draw(full, 300).map((o) => o.key))).toEqual(new Set(['k0', 'k1', 'k2']));
  });

  it('has a compare-and-swap expect what the client last saw, null when nothing', () => {
    const seen: SeenValues = new Map();
    const casOnly: KvWorkload = { keys: 1, thinkMs: 0, mix: { get: 0, put: 0, cas: 1, delete: 0 } };
    const random = new Prng(1);
    expect(nextKvOp(random, casOnly, 1, 1, seen)).toEqual({
      type: 'cas',
      key: 'k0',
      expected: null,
      value: '1.1',
    });
    observeCompletion(seen, { type: 'put', key: 'k0', value: 'a' }, 'ok', null);
    expect(nextKvOp(random, casOnly, 1, 2, seen)).toMatchObject({ expected: 'a' });
    // A failed compare-and-swap was answered the current value; a delete leaves null.
    observeCompletion(seen, { type: 'cas', key: 'k0', expected: 'a', value: 'b' }, 'fail', 'z');
    expect(seen.get('k0')).toBe('z');
    observeCompletion(seen, { type: 'delete', key: 'k0' }, 'ok', null);
    expect(seen.get('k0')).toBeNull();
    observeCompletion(seen, { type: 'get', key: 'k1' }, 'ok', 'r');
    expect(seen.get('k1')).toBe('r');
  });

  it('pauses uniformly up to twice the mean, and draws nothing for no pause', () => {
    const random = new Prng(5);
    const pauses = Array.from({ length: 500 }, () => thinkTime(random, full));
    expect(Math.min(...pauses)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...pauses)).toBeLessThanOrEqual(40);
    expect(new Set(pauses).size).toBeGreaterThan(20);
    const a = new Prng(5);
    const b = new Prng(5);
    expect(thinkTime(a, { ...full, thinkMs: 0 })).toBe(0);
    expect(a.int(1000)).toBe(b.int(1000));
  });
});
