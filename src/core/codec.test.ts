import { describe, expect, it } from 'vitest';
import { decode, encode, roundTrip } from './codec.js';

describe('codec', () => {
  const values: [string, unknown][] = [
    ['a number', 42],
    ['a negative float', -3.25],
    ['a string', 'héllo ✓'],
    ['null', null],
    ['booleans', [true, false]],
    ['an empty object', {}],
    ['an empty array', []],
    [
      'nested plain data',
      {
        type: 'Prepare',
        term: 7,
        big: 2 ** 40,
        log: [
          { index: 1, entry: { op: 'set', key: 'x', value: [1, 2, 3] } },
          { index: 2, entry: { op: 'del', key: 'y', value: null } },
        ],
        voters: [1, 2, 3],
        meta: { ok: true, note: '', deep: { deeper: { deepest: [[], [{}]] } } },
      },
    ],
  ];

  it.each(values)('round-trips %s', (_label, value) => {
    const bytes = encode(value);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(decode(bytes)).toEqual(value);
    expect(roundTrip(value)).toEqual(value);
  });

  it('roundTrip makes a deep copy', () => {
    const value = { a: { b: [1, 2] } };
    const copy = roundTrip(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.a).not.toBe(value.a);
    copy.a.b.push(3);
    expect(value.a.b).toEqual([1, 2]);
  });

  it('encodes equal data to equal bytes', () => {
    expect(encode({ x: 1, y: [2] })).toEqual(encode({ x: 1, y: [2] }));
    expect(encode({ x: 1 })).not.toEqual(encode({ x: 2 }));
  });
});
