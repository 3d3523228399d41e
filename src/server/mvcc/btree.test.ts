// The B+ tree against a reference model (a Map whose keys are sorted on demand): random
// inserts, replacements, deletions and range scans at small orders so trees grow several
// levels deep, with every structural invariant checked after each operation.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BTree } from './btree.js';

const sortedKeys = (m: Map<string, number>) => [...m.keys()].sort();

function scanModel(m: Map<string, number>, start: string, end: string | undefined) {
  return sortedKeys(m)
    .filter((k) => k >= start && (end === undefined || k < end))
    .map((k) => [k, m.get(k)]);
}

function scanTree(t: BTree<number>, start: string, end: string | undefined, limit = Infinity) {
  const out: [string, number][] = [];
  t.scan(start, end, (k, v) => {
    out.push([k, v]);
    return out.length < limit;
  });
  return out;
}

type Op =
  | { readonly t: 'set'; readonly key: string; readonly value: number }
  | { readonly t: 'del'; readonly key: string };

const keyArb = fc.string({
  unit: fc.constantFrom('a', 'b', 'c', '\u0000', '\u00ff'),
  maxLength: 4,
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('set' as const), key: keyArb, value: fc.integer() }),
  fc.record({ t: fc.constant('del' as const), key: keyArb }),
);

describe('BTree', () => {
  it('keeps order and sizes through a long insert-then-delete run at order 4', () => {
    const t = new BTree<number>(4);
    const n = 2000;
    // A permutation so inserts land all over the tree, not just on the right edge.
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    for (const i of order) t.set(`k${String(i).padStart(5, '0')}`, i);
    t.check();
    expect(t.size).toBe(n);
    expect([...t.entries()].map(([, v]) => v)).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const i of order.slice(0, n - 3))
      expect(t.delete(`k${String(i).padStart(5, '0')}`)).toBe(true);
    t.check();
    expect(t.size).toBe(3);
    expect(t.delete('absent')).toBe(false);
  });

  it('scans [start, end) and stops when the visitor says so', () => {
    const t = new BTree<number>(4);
    for (let i = 0; i < 50; i++) t.set(String.fromCharCode(65 + i), i);
    expect(scanTree(t, 'C', 'F').map(([k]) => k)).toEqual(['C', 'D', 'E']);
    expect(scanTree(t, 'C', undefined, 2).map(([k]) => k)).toEqual(['C', 'D']);
    expect(scanTree(t, 'zz', undefined)).toEqual([]);
    expect(scanTree(t, 'F', 'C')).toEqual([]);
  });

  it('orders latin1 strings as unsigned bytes', () => {
    const t = new BTree<number>(4);
    for (const k of ['\u00ff', '\u0000', 'a', '\u0080', 'a\u0000', '\u007f']) t.set(k, 0);
    expect([...t.entries()].map(([k]) => k)).toEqual([
      '\u0000',
      'a',
      'a\u0000',
      '\u007f',
      '\u0080',
      '\u00ff',
    ]);
  });

  it('matches a Map under random operations and scans', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 9 }),
        fc.array(opArb, { maxLength: 400 }),
        keyArb,
        fc.option(keyArb, { nil: undefined }),
        (order, ops, start, end) => {
          const t = new BTree<number>(order);
          const m = new Map<string, number>();
          for (const op of ops) {
            if (op.t === 'set') {
              t.set(op.key, op.value);
              m.set(op.key, op.value);
            } else {
              expect(t.delete(op.key)).toBe(m.delete(op.key));
            }
            t.check();
          }
          expect(t.size).toBe(m.size);
          for (const k of m.keys()) expect(t.get(k)).toBe(m.get(k));
          expect(t.get('absent')).toBeUndefined();
          expect(scanTree(t, start, end)).toEqual(scanModel(m, start, end));
          expect([...t.entries()]).toEqual(scanModel(m, '', undefined));
        },
      ),
      { numRuns: 300 },
    );
  });
});
