// Movement and balance, measured over many keys (bounds, never timing): each scheme moves
// what its theory says when a node is added or removed — mod-N almost everything, the others
// about 1/(N+1) (and ring and rendezvous only ever to the new node or from the removed one),
// and virtual nodes even out a ring's load. Bounds are wide against the sampling error of
// 20,000 keys (σ ≈ 0.003 on a fraction near 1/6), and the mappings are deterministic.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analysePartitioning, createPartitioner, type PartitionReport } from './movement.js';
import { PartitionError } from './nodes.js';
import type { Scheme } from './partitioner.js';

const FIVE = ['a', 'b', 'c', 'd', 'e'];
const KEYS = 20_000;

function moved(report: PartitionReport): number {
  const m = report.movement;
  if (m === undefined) throw new Error('no movement measured');
  return m.movedFraction;
}

describe('adding a sixth node to five', () => {
  const add = (scheme: Scheme) =>
    analysePartitioning({ scheme }, { names: FIVE }, KEYS, { add: 'f' });

  it('mod-N moves about N/(N+1) of the keys', () => {
    expect(moved(add('modn'))).toBeGreaterThan(5 / 6 - 0.02);
    expect(moved(add('modn'))).toBeLessThan(5 / 6 + 0.02);
  });

  it.each(['jump', 'rendezvous', 'slots'] as const)(
    '%s moves about 1/(N+1), all to the new node',
    (scheme) => {
      const report = add(scheme);
      expect(Math.abs(moved(report) - 1 / 6)).toBeLessThan(0.02);
      // Only keys that now live on f moved: moved = f's share.
      expect(moved(report)).toBeCloseTo(report.movement?.minimalFraction ?? -1, 10);
    },
  );

  it('the ring moves only the keys the new node takes, near 1/(N+1) with 100 vnodes', () => {
    const report = add('ring');
    expect(moved(report)).toBeCloseTo(report.movement?.minimalFraction ?? -1, 10);
    expect(moved(report)).toBeGreaterThan(0.1);
    expect(moved(report)).toBeLessThan(0.25);
  });
});

describe('removing node b of five', () => {
  const remove = (scheme: Scheme) =>
    analysePartitioning({ scheme }, { names: FIVE }, KEYS, { remove: 'b' });

  it('mod-N moves most keys', () => expect(moved(remove('modn'))).toBeGreaterThan(0.6));

  it.each(['ring', 'rendezvous', 'slots'] as const)(
    "%s moves only the removed node's keys",
    (scheme) => {
      const report = remove(scheme);
      expect(moved(report)).toBeCloseTo(report.movement?.minimalFraction ?? -1, 10);
      expect(Math.abs(moved(report) - 1 / 5)).toBeLessThan(scheme === 'ring' ? 0.08 : 0.02);
    },
  );

  it('jump moves the last node into the gap: 1/N + (N−2)/(N(N−1)) of the keys', () => {
    const report = remove('jump');
    expect(Math.abs(moved(report) - (1 / 5 + 3 / 20))).toBeLessThan(0.02);
    const last = analysePartitioning({ scheme: 'jump' }, { names: FIVE }, KEYS, { remove: 'e' });
    expect(Math.abs(moved(last) - 1 / 5)).toBeLessThan(0.02);
    expect(moved(last)).toBeCloseTo(last.movement?.minimalFraction ?? -1, 10);
  });
});

describe('load balance', () => {
  const TEN = FIVE.concat(['f', 'g', 'h', 'i', 'j']);
  const ring = (vnodes: number) =>
    analysePartitioning({ scheme: 'ring', vnodes }, { names: TEN }, KEYS).before;

  it('one point per node leaves a ring badly unbalanced; hundreds of vnodes even it out', () => {
    expect(ring(1).maxOverMean).toBeGreaterThan(1.5);
    expect(ring(200).maxOverMean).toBeLessThan(1.25);
    expect(ring(200).stddevOverMean).toBeLessThan(ring(1).stddevOverMean / 3);
  });

  it.each(['modn', 'jump', 'rendezvous', 'slots'] as const)(
    '%s is balanced within sampling error',
    (scheme) => {
      const stats = analysePartitioning({ scheme }, { names: TEN }, KEYS).before;
      expect(stats.maxOverMean).toBeLessThan(1.1);
      expect(stats.perNode.reduce((a, l) => a + l.keys, 0)).toBe(KEYS);
    },
  );

  it.each(['ring', 'rendezvous'] as const)('%s follows weights', (scheme) => {
    const stats = analysePartitioning(
      { scheme, vnodes: 400 },
      { names: ['a', 'b', 'c'], weights: [1, 2, 1] },
      KEYS,
    ).before;
    const shares = stats.perNode.map((l) => l.share);
    const slack = scheme === 'ring' ? 0.06 : 0.02;
    [0.25, 0.5, 0.25].forEach((want, i) => {
      expect(Math.abs((shares[i] as number) - want)).toBeLessThan(slack);
    });
  });
});

describe('minimal movement, for any node set', () => {
  it('ring, rendezvous and jump move keys only to an added node', () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,6}$/), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(names, fc.constantFrom('ring', 'rendezvous', 'jump' as const), (set, scheme) => {
        const added = `new-${set.join('')}`;
        const before = createPartitioner({ scheme, hash: 'fnv1a', vnodes: 20 }, { names: set });
        const after = createPartitioner(
          { scheme, hash: 'fnv1a', vnodes: 20 },
          { names: [...set, added] },
        );
        const strays: string[] = [];
        for (let k = 0; k < 500; k++) {
          const [was, now] = [before.nodeFor(`k${k}`), after.nodeFor(`k${k}`)];
          if (was !== now && now !== added) strays.push(`k${k}: ${was} → ${now}`);
        }
        expect(strays).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('is the same mapping whatever order a ring or rendezvous lists its nodes in', () => {
    for (const scheme of ['ring', 'rendezvous'] as const) {
      const one = createPartitioner({ scheme }, { names: FIVE });
      const two = createPartitioner({ scheme }, { names: [...FIVE].reverse() });
      for (let k = 0; k < 2000; k++) expect(one.nodeFor(`k${k}`)).toBe(two.nodeFor(`k${k}`));
    }
  });
});

describe('bad input is a PartitionError', () => {
  it.each([
    [() => createPartitioner({ scheme: 'ring' }, { names: [] }), /empty/],
    [() => createPartitioner({ scheme: 'jump' }, { names: ['a', 'a'] }), /twice/],
    [() => createPartitioner({ scheme: 'ring' }, { names: ['a', ''] }), /empty name/],
    [() => createPartitioner({ scheme: 'ring' }, { names: ['a'], weights: [0] }), /weight 0/],
    [() => createPartitioner({ scheme: 'rendezvous' }, { names: ['a'], weights: [-1] }), /> 0/],
    [() => createPartitioner({ scheme: 'ring' }, { names: ['a'], weights: [1, 2] }), /2 weights/],
    [() => createPartitioner({ scheme: 'modn' }, { names: ['a'], weights: [2] }), /no weights/],
    [() => createPartitioner({ scheme: 'ring', vnodes: 0 }, { names: ['a'] }), /vnodes/],
    [() => analysePartitioning({ scheme: 'jump' }, { names: FIVE }, 0), /keys/],
    [() => analysePartitioning({ scheme: 'jump' }, { names: FIVE }, 10, { add: 'a' }), /already/],
    [
      () => analysePartitioning({ scheme: 'ring' }, { names: FIVE }, 10, { remove: 'z' }),
      /not a node/,
    ],
    [() => analysePartitioning({ scheme: 'slots' }, { names: ['a'] }, 10, { remove: 'a' }), /only/],
  ])('%#', (build, message) => {
    expect(build).toThrow(PartitionError);
    expect(build).toThrow(message);
  });
});
