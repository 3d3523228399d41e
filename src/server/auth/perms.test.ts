// Key-range permission checks (perms.ts) on the cases etcd v3.4's range_perm_cache_test.go
// and its interval tree distinguish: one key, [key, end), from key ("\0"), contiguous and
// gapped unions, READ vs WRITE, and etcd's empty-bound-is-infinity arithmetic.

import { describe, expect, it } from 'vitest';
import { mergePerms, type Permission, type PermType, permits } from './perms.js';

const b = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const perm = (permType: PermType, key: string, rangeEnd = ''): Permission => ({
  permType,
  key: b(key),
  rangeEnd: b(rangeEnd),
});

describe('permits', () => {
  it('one-key permissions hold that key only', () => {
    const p = mergePerms([perm('READ', 'foo')]);
    expect(permits(p, 'READ', b('foo'), b(''))).toBe(true);
    expect(permits(p, 'READ', b('foo0'), b(''))).toBe(false);
    expect(permits(p, 'WRITE', b('foo'), b(''))).toBe(false);
    // A range of exactly that one key is covered: [foo, foo\0).
    expect(permits(p, 'READ', b('foo'), b('foo\0'))).toBe(true);
    expect(permits(p, 'READ', b('foo'), b('fop'))).toBe(false);
  });

  it('ranges cover sub-ranges and keys inside, not ranges that leave them', () => {
    const p = mergePerms([perm('READWRITE', 'a', 'm')]);
    expect(permits(p, 'READ', b('c'), b(''))).toBe(true);
    expect(permits(p, 'WRITE', b('a'), b('m'))).toBe(true);
    expect(permits(p, 'WRITE', b('b'), b('c'))).toBe(true);
    expect(permits(p, 'READ', b('m'), b(''))).toBe(false);
    expect(permits(p, 'READ', b('l'), b('n'))).toBe(false);
    expect(permits(p, 'READ', b('0'), b('b'))).toBe(false);
  });

  it('from-key permissions ("\\0" end) reach to the end of the key space', () => {
    const p = mergePerms([perm('READ', 'k', '\0')]);
    expect(permits(p, 'READ', b('zzzz'), b(''))).toBe(true);
    expect(permits(p, 'READ', b('k'), b('\0'))).toBe(true);
    expect(permits(p, 'READ', b('j'), b('\0'))).toBe(false);
    // etcdctl's "all keys" permission: ["\0", ∞).
    const all = mergePerms([perm('READ', '\0', '\0')]);
    expect(permits(all, 'READ', b('\0'), b('\0'))).toBe(true);
    expect(permits(all, 'READ', b('anything'), b(''))).toBe(true);
  });

  it('unions count when they touch or overlap, not across a gap', () => {
    const touching = mergePerms([perm('READ', 'a', 'c'), perm('READ', 'c', 'e')]);
    expect(permits(touching, 'READ', b('b'), b('d'))).toBe(true);
    const overlapping = mergePerms([perm('READ', 'a', 'd'), perm('READ', 'b', 'c')]);
    expect(permits(overlapping, 'READ', b('a'), b('d'))).toBe(true);
    const gapped = mergePerms([perm('READ', 'a', 'c'), perm('READ', 'd', 'e')]);
    expect(permits(gapped, 'READ', b('b'), b('d0'))).toBe(false);
    expect(permits(gapped, 'READ', b('d'), b('e'))).toBe(true);
  });

  it('READ and WRITE are kept apart, READWRITE grants both', () => {
    const p = mergePerms([perm('READ', 'r', 's'), perm('WRITE', 'w', 'x')]);
    expect(permits(p, 'READ', b('r1'), b(''))).toBe(true);
    expect(permits(p, 'WRITE', b('r1'), b(''))).toBe(false);
    expect(permits(p, 'WRITE', b('w1'), b(''))).toBe(true);
    expect(permits(p, 'READ', b('w1'), b(''))).toBe(false);
  });

  it('an empty permission key matches nothing (etcd: an empty bound is +infinity)', () => {
    const p = mergePerms([perm('READ', '', '\0'), perm('READ', '')]);
    expect(permits(p, 'READ', b('a'), b(''))).toBe(false);
    expect(permits(p, 'READ', b('\0'), b('\0'))).toBe(false);
  });

  it('no permissions permit nothing', () => {
    const p = mergePerms([]);
    expect(permits(p, 'READ', b('a'), b(''))).toBe(false);
    expect(permits(p, 'WRITE', b('a'), b('b'))).toBe(false);
  });
});
