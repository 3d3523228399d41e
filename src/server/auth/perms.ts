// Key-range permissions as etcd v3.4 checks them (auth/range_perm_cache.go and pkg/adt's
// "bytes affine" intervals; learnt from, not copied): a role grants READ, WRITE or READWRITE
// on one key (empty range_end), on [key, range_end), or on [key, ∞) (range_end "\0"). A
// user's roles are merged into one set of read intervals and one of write intervals. A
// single-key request is permitted when some interval holds the key; a range request when
// the intervals overlapping it cover it without a gap.
//
// In etcd's interval arithmetic an EMPTY bound is +∞, begin or end alike: so a permission
// whose key is empty matches nothing (etcdctl sends "\0" for an empty key for that reason),
// and a range_end of "\0" becomes the empty, infinite end.
//
// Fault model: pure functions of their arguments; inputs were shape-checked upstream.

export type PermType = 'READ' | 'WRITE' | 'READWRITE';

export const PERM_TYPES: readonly PermType[] = ['READ', 'WRITE', 'READWRITE'];

export interface Permission {
  readonly permType: PermType;
  readonly key: Uint8Array;
  readonly rangeEnd: Uint8Array;
}

/** [begin, end) with etcd's affine bounds: an empty bound is +∞. */
interface Interval {
  readonly begin: Uint8Array;
  readonly end: Uint8Array;
}

/** A user's permissions, merged over its roles. */
export interface MergedPerms {
  readonly read: readonly Interval[];
  readonly write: readonly Interval[];
}

const INFINITY: Uint8Array = new Uint8Array(0);

/** etcd's BytesAffineComparable: byte order, with the empty value above everything. */
export function compareAffine(a: Uint8Array, b: Uint8Array): number {
  if (a.length === 0) return b.length === 0 ? 0 : 1;
  if (b.length === 0) return -1;
  return Buffer.compare(a, b);
}

/** The smallest key after `key`: the end of the one-key interval [key, key+"\0"). */
function pointEnd(key: Uint8Array): Uint8Array {
  const end = new Uint8Array(key.length + 1);
  end.set(key);
  return end;
}

function isNulEnd(rangeEnd: Uint8Array): boolean {
  return rangeEnd.length === 1 && rangeEnd[0] === 0;
}

function intervalOfPermission(p: Permission): Interval {
  if (p.rangeEnd.length === 0) return { begin: p.key, end: pointEnd(p.key) };
  return { begin: p.key, end: isNulEnd(p.rangeEnd) ? INFINITY : p.rangeEnd };
}

/** Merges the permissions of a user's roles (etcd's getMergedPerms). */
export function mergePerms(perms: Iterable<Permission>): MergedPerms {
  const read: Interval[] = [];
  const write: Interval[] = [];
  for (const p of perms) {
    const ivl = intervalOfPermission(p);
    if (p.permType !== 'WRITE') read.push(ivl);
    if (p.permType !== 'READ') write.push(ivl);
  }
  const byBegin = (a: Interval, b: Interval) => compareAffine(a.begin, b.begin);
  return { read: read.sort(byBegin), write: write.sort(byBegin) };
}

function overlaps(a: Interval, b: Interval): boolean {
  return compareAffine(a.begin, b.end) < 0 && compareAffine(b.begin, a.end) < 0;
}

/** Whether the (begin-sorted) intervals overlapping `q` cover it contiguously (adt Contains). */
function covers(intervals: readonly Interval[], q: Interval): boolean {
  let minBegin: Uint8Array | undefined;
  let maxEnd: Uint8Array = INFINITY;
  for (const ivl of intervals) {
    if (!overlaps(ivl, q)) continue;
    if (minBegin === undefined) {
      minBegin = ivl.begin;
      maxEnd = ivl.end;
      continue;
    }
    if (compareAffine(maxEnd, ivl.begin) < 0) return false;
    if (compareAffine(ivl.end, maxEnd) > 0) maxEnd = ivl.end;
  }
  return (
    minBegin !== undefined &&
    compareAffine(maxEnd, q.end) >= 0 &&
    compareAffine(minBegin, q.begin) <= 0
  );
}

/**
 * Whether `perms` allow `access` to [key, rangeEnd) — one key when rangeEnd is empty, from
 * key on when it is "\0" — as etcd's isRangeOpPermitted decides.
 */
export function permits(
  perms: MergedPerms,
  access: 'READ' | 'WRITE',
  key: Uint8Array,
  rangeEnd: Uint8Array,
): boolean {
  const intervals = access === 'READ' ? perms.read : perms.write;
  if (rangeEnd.length === 0) {
    const point = { begin: key, end: pointEnd(key) };
    return intervals.some((ivl) => overlaps(ivl, point));
  }
  return covers(intervals, { begin: key, end: isNulEnd(rangeEnd) ? INFINITY : rangeEnd });
}
