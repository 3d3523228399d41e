// The client's byte conventions: etcd's prefix range end (clientv3 GetPrefixRangeEnd) and
// string/bytes conversions, including that a caller's Buffer is never modified.

import { describe, expect, it } from 'vitest';
import { prefixEnd, toBytes } from './values.js';

describe('prefixEnd', () => {
  it.each([
    ['a', [0x62]],
    ['ab', [0x61, 0x63]],
    ['a\xff', [0x62]],
  ])('%j ends before %j', (prefix, end) => {
    expect([...prefixEnd(Buffer.from(prefix, 'latin1'))]).toEqual(end);
  });

  it('is "\\0" (every key) for a prefix of only 0xff bytes', () => {
    expect([...prefixEnd(new Uint8Array([0xff, 0xff]))]).toEqual([0]);
    expect([...prefixEnd(new Uint8Array(0))]).toEqual([0]);
  });

  it('leaves the prefix alone (a Buffer slice would share its memory)', () => {
    const prefix = Buffer.from('range/');
    prefixEnd(prefix);
    expect(prefix.toString()).toBe('range/');
  });
});

describe('toBytes', () => {
  it('encodes strings as UTF-8 and passes bytes through', () => {
    expect([...toBytes('é')]).toEqual([0xc3, 0xa9]);
    const bytes = new Uint8Array([1, 2]);
    expect(toBytes(bytes)).toBe(bytes);
  });
});
