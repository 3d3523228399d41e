// Redis Cluster hash slots: CRC16/XMODEM and keyHashSlot against the values Redis documents
// (crc16.c's check value, the cluster specification's hash-tag rules, CLUSTER KEYSLOT's
// examples), redis-cli's slot layout, and the rebalance plan's minimality.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartitionError } from './nodes.js';
import { planRebalance, slotMigrationSteps } from './slot-migration.js';
import { assignSlots, crc16, keyHashSlot, SLOT_COUNT, slotRanges, slotsOf } from './slots.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('keyHashSlot', () => {
  it('is CRC-16/XMODEM mod 16384', () => {
    expect(crc16(bytes('123456789'))).toBe(0x31c3); // crc16.c: "123456789" → 0x31C3
    expect(keyHashSlot('foo')).toBe(12182); // CLUSTER KEYSLOT's documentation
    expect(keyHashSlot('somekey')).toBe(11058);
    expect(keyHashSlot('')).toBe(0);
  });

  it("follows the specification's hash-tag rules", () => {
    const slot = (s: string) => crc16(bytes(s)) & 0x3fff;
    expect(keyHashSlot('{user1000}.following')).toBe(keyHashSlot('{user1000}.followers'));
    expect(keyHashSlot('{user1000}.following')).toBe(slot('user1000'));
    expect(keyHashSlot('foo{}{bar}')).toBe(slot('foo{}{bar}')); // empty tag: the whole key
    expect(keyHashSlot('foo{{bar}}zap')).toBe(slot('{bar')); // first '{' to first '}'
    expect(keyHashSlot('foo{bar}{zap}')).toBe(slot('bar')); // only the first tag
    expect(keyHashSlot('{bar')).toBe(slot('{bar')); // no '}'
    expect(keyHashSlot('}{bar}')).toBe(slot('bar'));
  });

  it('hashes bytes, and strings as UTF-8', () => {
    expect(keyHashSlot('ключ')).toBe(keyHashSlot(bytes('ключ')));
    expect(keyHashSlot(Uint8Array.of(0x7b, 0xff, 0x7d, 0))).toBe(crc16(Uint8Array.of(0xff)));
  });
});

describe('slot tables', () => {
  it('lays slots out as redis-cli --cluster create does', () => {
    const three = assignSlots(['a', 'b', 'c']);
    expect([0, 1, 2].map((i) => slotRanges(three, i))).toEqual([
      [{ start: 0, end: 5460 }],
      [{ start: 5461, end: 10922 }],
      [{ start: 10923, end: 16383 }],
    ]);
    const six = assignSlots(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(slotRanges(six, 0)).toEqual([{ start: 0, end: 2730 }]);
    expect(slotRanges(six, 5)).toEqual([{ start: 13653, end: 16383 }]);
    expect(() => assignSlots([])).toThrow(PartitionError);
    expect(() => assignSlots(['a', 'a'])).toThrow(/twice/);
  });

  it('adding a fourth master moves 4096 slots, each to it, from the end of each range', () => {
    const plan = planRebalance(assignSlots(['a', 'b', 'c']), ['a', 'b', 'c', 'd']);
    expect(plan.moved).toBe(4096);
    expect(plan.moves.map((m) => [m.source, m.target, m.count])).toEqual([
      ['a', 'd', 1365],
      ['b', 'd', 1366],
      ['c', 'd', 1365],
    ]);
    expect(plan.moves[0]?.slots).toEqual([{ start: 4096, end: 5460 }]);
    expect(slotRanges(plan.after, 0)).toEqual([{ start: 0, end: 4095 }]);
  });

  it('plans the fewest moves to a balanced table (any masters added and removed)', () => {
    const names = fc.uniqueArray(fc.constantFrom(...'abcdefghijklmnop'), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(names, names, (before, after) => {
        const table = assignSlots(before);
        const plan = planRebalance(table, after);
        const counts = after.map((_, i) => slotsOf(plan.after, i).length);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(SLOT_COUNT);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        let changed = 0;
        for (let s = 0; s < SLOT_COUNT; s++) {
          const was = table.masters[table.owner[s] as number];
          const now = plan.after.masters[plan.after.owner[s] as number];
          if (was !== now) changed++;
        }
        expect(changed).toBe(plan.moved);
        // The least possible: what leaving masters hold plus what staying ones hold beyond
        // their target, where the larger targets go to the largest holders.
        const held = new Map(before.map((name, i) => [name, slotsOf(table, i).length]));
        const sorted = after.map((n) => held.get(n) ?? 0).sort((a, b) => b - a);
        const base = Math.floor(SLOT_COUNT / after.length);
        const extra = SLOT_COUNT % after.length;
        const leaving = before.filter((n) => !after.includes(n));
        const least =
          leaving.reduce((a, n) => a + (held.get(n) as number), 0) +
          sorted.reduce((a, h, r) => a + Math.max(0, h - base - (r < extra ? 1 : 0)), 0);
        expect(plan.moved).toBe(least);
        const wrong: number[] = [];
        for (const move of plan.moves)
          for (const { start, end } of move.slots)
            for (let s = start; s <= end; s++)
              if (
                table.masters[table.owner[s] as number] !== move.source ||
                plan.after.masters[plan.after.owner[s] as number] !== move.target
              )
                wrong.push(s);
        expect(wrong).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('removing a master gives all its slots away and moves nothing else', () => {
    const table = assignSlots(['a', 'b', 'c', 'd']);
    const plan = planRebalance(table, ['a', 'c', 'd']);
    expect(plan.moved).toBe(slotsOf(table, 1).length);
    expect(plan.moves.every((m) => m.source === 'b')).toBe(true);
  });

  it('migrates a slot as the specification orders it', () => {
    const steps = slotMigrationSteps(
      42,
      { source: 'a', target: 'd' },
      {
        nodeIds: new Map([
          ['a', 'id-a'],
          ['d', 'id-d'],
        ]),
        masters: ['a', 'b', 'd'],
      },
    );
    expect(steps).toEqual([
      { on: 'd', argv: ['CLUSTER', 'SETSLOT', '42', 'IMPORTING', 'id-a'] },
      { on: 'a', argv: ['CLUSTER', 'SETSLOT', '42', 'MIGRATING', 'id-d'] },
      { on: 'a', drain: { slot: 42, target: 'd' } },
      { on: 'd', argv: ['CLUSTER', 'SETSLOT', '42', 'NODE', 'id-d'] },
      { on: 'a', argv: ['CLUSTER', 'SETSLOT', '42', 'NODE', 'id-d'] },
      { on: 'b', argv: ['CLUSTER', 'SETSLOT', '42', 'NODE', 'id-d'] },
    ]);
    expect(() => slotMigrationSteps(SLOT_COUNT, { source: 'a', target: 'b' })).toThrow(/slot/);
  });
});
