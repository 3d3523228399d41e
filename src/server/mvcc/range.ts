// A RangeRequest over a store view, as etcd v3.4's applierV3backend.Range does it: fetch
// limit + 1 keys (or everything, when sorting or filtering by revision), drop versions outside
// the min/max create/mod revision bounds, sort, cut at `limit` setting `more`, blank values for
// keys_only. `count` is the number of keys in the range at the read revision BEFORE the
// revision filters, as etcd reports it. Sorting is stable (ties stay in key order); etcd
// uses Go's unstable sort.Sort, which is stable only below 12 elements, so beyond that etcd's
// tie order is an accident we do not try to reproduce.
//
// Fault model: none (pure over the store; the store raises compacted/future errors).

import { isZeroByte, toLatin1 } from './bytes.js';
import type { Entry } from './key-history.js';
import { type KeySpan, type RangeResult, toKeyValue } from './store.js';
import type { RangeRequest, RangeResponse, ReqBytes, SortTarget } from './types.js';

/** etcd's key-range conventions: no range_end is one key, "\0" is "from key to the end". */
export function spanOf(key: ReqBytes, rangeEnd: ReqBytes | undefined): KeySpan {
  if (rangeEnd === undefined || rangeEnd.length === 0)
    return { key: toLatin1(key), end: undefined };
  return { key: toLatin1(key), end: isZeroByte(rangeEnd) ? '' : toLatin1(rangeEnd) };
}

/** Reads `span` at `atRev` (0: current), at most `limit` entries (≤ 0: all), or only counts. */
export type RangeReader = (
  span: KeySpan,
  atRev: number,
  limit: number,
  countOnly: boolean,
) => RangeResult;

const byTarget: Record<SortTarget, (a: Entry, b: Entry) => number> = {
  KEY: (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  VERSION: (a, b) => a.version - b.version,
  CREATE: (a, b) => a.createRevision - b.createRevision,
  MOD: (a, b) => a.modRevision - b.modRevision,
  VALUE: (a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
};

export function executeRange(read: RangeReader, r: RangeRequest<ReqBytes>): RangeResponse {
  const limit = r.limit ?? 0;
  const minMod = r.minModRevision ?? 0;
  const maxMod = r.maxModRevision ?? 0;
  const minCreate = r.minCreateRevision ?? 0;
  const maxCreate = r.maxCreateRevision ?? 0;
  const target = r.sortTarget ?? 'KEY';
  let order = r.sortOrder ?? 'NONE';
  const filtered = minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0;
  // Sorting or filtering needs every key; otherwise one extra tells whether there is `more`.
  const fetch = order !== 'NONE' || filtered ? 0 : limit > 0 ? limit + 1 : 0;
  const result = read(spanOf(r.key, r.rangeEnd), r.revision ?? 0, fetch, r.countOnly === true);
  let entries = result.entries;
  if (filtered) {
    entries = entries.filter(
      (e) =>
        (maxMod === 0 || e.modRevision <= maxMod) &&
        (minMod === 0 || e.modRevision >= minMod) &&
        (maxCreate === 0 || e.createRevision <= maxCreate) &&
        (minCreate === 0 || e.createRevision >= minCreate),
    );
  }
  // The store already returns keys in ascending order; any other target sorts ASCEND by
  // default (etcd: "sort ASCEND by default only when target is not 'KEY'").
  if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
  if (order !== 'NONE') {
    const compare = byTarget[target];
    // Array.prototype.sort is stable: equal targets keep their key order either way.
    entries = [...entries].sort(order === 'ASCEND' ? compare : (a, b) => compare(b, a));
  }
  let more = false;
  if (limit > 0 && entries.length > limit) {
    entries = entries.slice(0, limit);
    more = true;
  }
  const keysOnly = r.keysOnly === true;
  return {
    header: { revision: result.revision },
    kvs: entries.map((e) => toKeyValue(e, { keysOnly })),
    more,
    count: result.count,
  };
}
