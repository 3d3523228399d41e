// The live rebalance planner on arbitrary slot ownership (fragmented, uneven, as a cluster
// looks after earlier reshards and failovers), against properties stated independently of
// the planner: the result is balanced, moves exactly the least possible number of slots,
// moves only from over-full (or removed) masters to under-full ones, and loses or duplicates
// no slot. Also the CLUSTER NODES parser on real-format replies and malformed ones.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLOT_COUNT } from '../partition/slots.js';
import { planSlotMoves, slotCounts, slotSteps, tableOf } from './plan.js';
import { parseClusterNodes, RebalanceError, slotOwners } from './topology.js';

const NAMES = 'abcdefghijkl'.split('');

/** Runs of (master, length) laid end to end, repeated until every slot has an owner. */
const ownership = fc
  .record({
    masters: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 8 }),
    runs: fc.array(fc.record({ pick: fc.nat(), length: fc.integer({ min: 1, max: 4000 }) }), {
      minLength: 1,
      maxLength: 40,
    }),
  })
  .map(({ masters, runs }) => {
    const owners: string[] = [];
    for (let r = 0; owners.length < SLOT_COUNT; r++) {
      const run = runs[r % runs.length] as { pick: number; length: number };
      const name = masters[run.pick % masters.length] as string;
      for (let k = 0; k < run.length && owners.length < SLOT_COUNT; k++) owners.push(name);
    }
    return owners;
  });

const after = fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 10 });

function held(owners: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of owners) counts.set(o, (counts.get(o) ?? 0) + 1);
  return counts;
}

describe('planSlotMoves', () => {
  it('balances any ownership with the fewest moves, over-full to under-full only', () => {
    fc.assert(
      fc.property(ownership, after, (owners, masters) => {
        const plan = planSlotMoves(owners, masters);
        const before = held(owners);
        const base = Math.floor(SLOT_COUNT / masters.length);
        // Balanced: every wanted master has ⌊16384/M⌋ or ⌈16384/M⌉ slots, nobody else any.
        const counts = slotCounts(plan.after);
        expect([...counts.keys()].sort()).toEqual([...masters].sort());
        for (const c of counts.values()) expect(c === base || c === base + 1).toBe(true);
        // No slot lost or duplicated: each slot is stepped at most once, and applying the
        // steps to the old owners gives exactly the new table.
        const steps = slotSteps(plan);
        expect(new Set(steps.map((s) => s.slot)).size).toBe(steps.length);
        // (Plain comparisons in the per-slot loops: an expect per slot is slow.)
        const applied = [...owners];
        const wrong: number[] = [];
        for (const { slot, source, target } of steps) {
          if (applied[slot] !== source) wrong.push(slot);
          applied[slot] = target;
        }
        for (let s = 0; s < SLOT_COUNT; s++)
          if (applied[s] !== plan.after.masters[plan.after.owner[s] as number]) wrong.push(s);
        expect(wrong).toEqual([]);
        expect(steps.length).toBe(plan.moved);
        // Minimal: removed masters' slots plus each staying master's excess over its target,
        // the ⌈⌉ targets going to the largest holders — no balanced table is closer.
        const extra = SLOT_COUNT % masters.length;
        const staying = masters.map((m) => before.get(m) ?? 0).sort((a, b) => b - a);
        let least = 0;
        for (const [m, c] of before) if (!masters.includes(m)) least += c;
        staying.forEach((h, r) => {
          least += Math.max(0, h - base - (r < extra ? 1 : 0));
        });
        expect(plan.moved).toBe(least);
        // Direction: a source ends with fewer slots than it had and never receives; a target
        // ends with more and never gives.
        const sources = new Set(steps.map((s) => s.source));
        const targets = new Set(steps.map((s) => s.target));
        for (const s of sources) {
          expect(targets.has(s)).toBe(false);
          expect(counts.get(s) ?? 0).toBeLessThan(before.get(s) ?? 0);
        }
        for (const t of targets) expect(counts.get(t) ?? 0).toBeGreaterThan(before.get(t) ?? 0);
      }),
      { numRuns: 150 },
    );
  });

  it('moves nothing when the cluster is already balanced', () => {
    const owners = Array.from({ length: SLOT_COUNT }, (_, s) => (s % 2 === 0 ? 'x' : 'y'));
    expect(planSlotMoves(owners, ['y', 'x']).moved).toBe(0);
  });

  it('refuses bad input with a RebalanceError', () => {
    expect(() => tableOf(['a'])).toThrow(RebalanceError);
    const owners = new Array<string>(SLOT_COUNT).fill('a');
    expect(() => planSlotMoves(owners, [])).toThrow(/empty/);
    expect(() => planSlotMoves(owners, ['a', 'a'])).toThrow(/twice/);
    owners[7] = '';
    expect(() => tableOf(owners)).toThrow(/slot 7/);
  });
});

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('parseClusterNodes', () => {
  it('reads ids, addresses, roles, slot ranges and open slots', () => {
    const text = [
      `${A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8000 [8001->-${B}]`,
      `${B} 127.0.0.1:7001@17001,host-b master - 0 1700 2 connected 8001-16383 [8001-<-${A}]`,
      `${C} 127.0.0.1:7002@17002 slave ${A} 0 1700 1 connected`,
      '',
    ].join('\n');
    const nodes = parseClusterNodes(text);
    expect(nodes.map((n) => [n.address, n.port, n.master, n.slots.length])).toEqual([
      ['127.0.0.1:7000', 7000, undefined, 8001],
      ['127.0.0.1:7001', 7001, undefined, 8383],
      ['127.0.0.1:7002', 7002, A, 0],
    ]);
    expect(nodes[0]?.migrating.get(8001)).toBe(B);
    expect(nodes[1]?.importing.get(8001)).toBe(A);
    expect(() => slotOwners(nodes)).toThrow(/open for a migration/);
  });

  it('refuses malformed replies, overlaps and uncovered slots', () => {
    const line = (id: string, slots: string) =>
      `${id} 127.0.0.1:1@2 master - 0 0 1 connected ${slots}`;
    expect(() => parseClusterNodes('ERR not in cluster mode')).toThrow(RebalanceError);
    expect(() => parseClusterNodes(line(A, '0-16384'))).toThrow(/out of range/);
    expect(() => parseClusterNodes(line(A, '9-3'))).toThrow(/bad slot range/);
    expect(() => parseClusterNodes(line(A, 'x'))).toThrow(/bad slot/);
    expect(() => parseClusterNodes(`${line(A, '0')}\n${line(A, '1')}`)).toThrow(/twice/);
    const overlap = parseClusterNodes(`${line(A, '0-16383')}\n${line(B, '5')}`);
    expect(() => slotOwners(overlap)).toThrow(/claimed by both/);
    expect(() => slotOwners(parseClusterNodes(line(A, '0-16382')))).toThrow(/slot 16383/);
    expect(slotOwners(parseClusterNodes(line(A, '0-16383')))[16383]).toBe(A);
  });
});
