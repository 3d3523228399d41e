// KV behaviour of the MVCC machine with the revisions etcd v3.4 gives for the same requests
// (an empty store is at 1; each changing write adds one): put/get/delete, generations and
// versions, range conventions, limit/count/sort/filters, past reads, compaction and its
// errors, Put's prev_kv and ignore flags.

import { describe, expect, it } from 'vitest';
import { EtcdError } from '../errors.js';
import { MvccMachine } from './machine.js';
import { b, evt, kvt, s } from './test-helpers.js';

const get = (m: MvccMachine, key: string, revision = 0) =>
  m.range({ key: b(key), revision }).kvs.map(kvt);
const all = (m: MvccMachine, revision = 0) =>
  m.range({ key: b('\0'), rangeEnd: b('\0'), revision }).kvs.map(kvt);

function expectEtcdError(f: () => unknown, kind: string, message: string, code: string): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(EtcdError);
    expect((error as EtcdError).kind).toBe(kind);
    expect((error as EtcdError).message).toBe(message);
    expect((error as EtcdError).code).toBe(code);
    return;
  }
  expect.fail(`expected ${kind}`);
}

describe('MvccMachine KV', () => {
  it('counts revisions as etcd: put a, put b, del a → 4; a missing delete adds none', () => {
    const m = MvccMachine.create();
    expect(m.revision).toBe(1);
    expect(m.put({ key: b('a'), value: b('1') }).response.header.revision).toBe(2);
    expect(m.put({ key: b('b'), value: b('2') }).response.header.revision).toBe(3);
    const del = m.deleteRange({ key: b('a') });
    expect(del.response).toMatchObject({ header: { revision: 4 }, deleted: 1 });
    expect(del.events.map(evt)).toEqual([
      ['DELETE', ['a', '', 0, 4, 0, 0n], ['a', '1', 2, 2, 1, 0n]],
    ]);
    const again = m.deleteRange({ key: b('a') });
    expect(again.response).toMatchObject({ header: { revision: 4 }, deleted: 0 });
    expect(again.events).toEqual([]);
    expect(m.revision).toBe(4);
  });

  it('tracks create revision and version per generation', () => {
    const m = MvccMachine.create();
    m.put({ key: b('k'), value: b('v1') }); // 2
    m.put({ key: b('k'), value: b('v2') }); // 3
    expect(get(m, 'k')).toEqual([['k', 'v2', 2, 3, 2, 0n]]);
    m.deleteRange({ key: b('k') }); // 4
    expect(get(m, 'k')).toEqual([]);
    const put = m.put({ key: b('k'), value: b('v3') }); // 5: a new generation
    expect(put.events.map(evt)).toEqual([['PUT', ['k', 'v3', 5, 5, 1, 0n], undefined]]);
    expect(get(m, 'k')).toEqual([['k', 'v3', 5, 5, 1, 0n]]);
    // Reads at past revisions see each generation.
    expect(get(m, 'k', 2)).toEqual([['k', 'v1', 2, 2, 1, 0n]]);
    expect(get(m, 'k', 3)).toEqual([['k', 'v2', 2, 3, 2, 0n]]);
    expect(get(m, 'k', 4)).toEqual([]);
    expect(get(m, 'k', 1)).toEqual([]);
  });

  it('follows the range_end conventions: one key, [key, end), "\\0" to the end, all keys', () => {
    const m = MvccMachine.create();
    for (const k of ['a', 'ab', 'abc', 'b', 'c\u00ff', 'c']) m.put({ key: b(k), value: b(k) });
    const keys = (key: string, rangeEnd?: string) =>
      m
        .range(rangeEnd === undefined ? { key: b(key) } : { key: b(key), rangeEnd: b(rangeEnd) })
        .kvs.map((kv) => s(kv.key));
    expect(keys('ab')).toEqual(['ab']);
    expect(keys('a', 'b')).toEqual(['a', 'ab', 'abc']); // The prefix "a".
    expect(keys('ab', '\0')).toEqual(['ab', 'abc', 'b', 'c', 'c\u00ff']);
    expect(keys('\0', '\0')).toEqual(['a', 'ab', 'abc', 'b', 'c', 'c\u00ff']);
    expect(keys('c', 'a')).toEqual([]); // An end before the key is an empty range.
    expect(keys('zz')).toEqual([]);
  });

  it('limits with more and a count of the whole range', () => {
    const m = MvccMachine.create();
    for (const k of ['a', 'b', 'c', 'd']) m.put({ key: b(k), value: b(k) });
    const r = m.range({ key: b('a'), rangeEnd: b('\0'), limit: 2 });
    expect(r.kvs.map((kv) => s(kv.key))).toEqual(['a', 'b']);
    expect(r).toMatchObject({ more: true, count: 4, header: { revision: 5 } });
    expect(m.range({ key: b('a'), rangeEnd: b('\0'), limit: 4 })).toMatchObject({ more: false });
    const counted = m.range({ key: b('a'), rangeEnd: b('\0'), countOnly: true });
    expect(counted).toMatchObject({ kvs: [], count: 4, more: false });
    const keysOnly = m.range({ key: b('a'), keysOnly: true }).kvs.map(kvt);
    expect(keysOnly).toEqual([['a', '', 2, 2, 1, 0n]]);
  });

  it('sorts by each target, stable on ties, and sorts ASCEND by default off KEY', () => {
    const m = MvccMachine.create();
    m.put({ key: b('a'), value: b('z') }); // 2
    m.put({ key: b('b'), value: b('y') }); // 3
    m.put({ key: b('c'), value: b('x') }); // 4
    m.put({ key: b('a'), value: b('w') }); // 5: a has version 2
    const order = (sortOrder: 'NONE' | 'ASCEND' | 'DESCEND', sortTarget: string, limit = 0) =>
      m
        .range({
          key: b('\0'),
          rangeEnd: b('\0'),
          sortOrder,
          sortTarget: sortTarget as 'KEY',
          limit,
        })
        .kvs.map((kv) => s(kv.key));
    expect(order('DESCEND', 'KEY')).toEqual(['c', 'b', 'a']);
    expect(order('ASCEND', 'MOD')).toEqual(['b', 'c', 'a']);
    expect(order('DESCEND', 'MOD')).toEqual(['a', 'c', 'b']);
    expect(order('ASCEND', 'VALUE')).toEqual(['a', 'c', 'b']);
    expect(order('ASCEND', 'CREATE')).toEqual(['a', 'b', 'c']);
    expect(order('NONE', 'VERSION')).toEqual(['b', 'c', 'a']); // Ties (b, c) stay in key order.
    expect(order('DESCEND', 'VERSION')).toEqual(['a', 'b', 'c']);
    // The limit applies after sorting: the newest key by mod revision.
    const r = m.range({
      key: b('\0'),
      rangeEnd: b('\0'),
      sortOrder: 'DESCEND',
      sortTarget: 'MOD',
      limit: 1,
    });
    expect(r.kvs.map((kv) => s(kv.key))).toEqual(['a']);
    expect(r).toMatchObject({ more: true, count: 3 });
  });

  it('filters by min/max create and mod revision, counting before the filter as etcd', () => {
    const m = MvccMachine.create();
    for (const k of ['a', 'b', 'c', 'd']) m.put({ key: b(k), value: b(k) }); // 2..5
    m.put({ key: b('a'), value: b('a2') }); // 6
    const keys = (r: Parameters<MvccMachine['range']>[0]) => {
      const res = m.range(r);
      return [res.kvs.map((kv) => s(kv.key)), res.count];
    };
    const span = { key: b('\0'), rangeEnd: b('\0') };
    expect(keys({ ...span, minModRevision: 4 })).toEqual([['a', 'c', 'd'], 4]);
    expect(keys({ ...span, maxModRevision: 4 })).toEqual([['b', 'c'], 4]);
    expect(keys({ ...span, minCreateRevision: 3, maxCreateRevision: 4 })).toEqual([['b', 'c'], 4]);
    expect(keys({ ...span, minModRevision: 3, limit: 1 })).toEqual([['a'], 4]);
  });

  it('rejects future and compacted revisions with etcd errors', () => {
    const m = MvccMachine.create();
    m.put({ key: b('a'), value: b('1') }); // 2
    m.put({ key: b('a'), value: b('2') }); // 3
    m.put({ key: b('a'), value: b('3') }); // 4
    const future = 'etcdserver: mvcc: required revision is a future revision';
    const compacted = 'etcdserver: mvcc: required revision has been compacted';
    expectEtcdError(() => get(m, 'a', 5), 'futureRev', future, 'OUT_OF_RANGE');
    expect(m.compact({ revision: 3 })).toEqual({ header: { revision: 4 } });
    expect(m.compactRevision).toBe(3);
    expectEtcdError(() => get(m, 'a', 2), 'compacted', compacted, 'OUT_OF_RANGE');
    expect(get(m, 'a', 3)).toEqual([['a', '2', 2, 3, 2, 0n]]); // At the compact revision: fine.
    expect(get(m, 'a')).toEqual([['a', '3', 2, 4, 3, 0n]]);
    expectEtcdError(() => m.compact({ revision: 3 }), 'compacted', compacted, 'OUT_OF_RANGE');
    expectEtcdError(() => m.compact({ revision: 2 }), 'compacted', compacted, 'OUT_OF_RANGE');
    expectEtcdError(() => m.compact({ revision: 5 }), 'futureRev', future, 'OUT_OF_RANGE');
  });

  it('compacts physically: superseded versions and dead keys are dropped', () => {
    const m = MvccMachine.create();
    m.put({ key: b('a'), value: b('1') }); // 2
    m.put({ key: b('a'), value: b('2') }); // 3
    m.put({ key: b('gone'), value: b('x') }); // 4
    m.deleteRange({ key: b('gone') }); // 5
    m.put({ key: b('c'), value: b('1') }); // 6
    expect(m.snapshot().entryCounts).toEqual([2, 1, 2]); // a, c, gone
    m.compact({ revision: 6 });
    // a keeps its newest put, c its only one; "gone" ended in a tombstone before 6: gone.
    expect(m.snapshot().entryCounts).toEqual([1, 1]);
    expect(m.store.tree.size).toBe(2);
    expect(all(m)).toEqual([
      ['a', '2', 2, 3, 2, 0n],
      ['c', '1', 6, 6, 1, 0n],
    ]);
    // Writes continue from the same revision and versions.
    m.put({ key: b('a'), value: b('3') });
    expect(get(m, 'a')).toEqual([['a', '3', 2, 7, 3, 0n]]);
  });

  it('answers Put prev_kv and honours ignore_value and ignore_lease', () => {
    const m = MvccMachine.create();
    expect(m.put({ key: b('a'), value: b('1'), prevKv: true }).response).toEqual({
      header: { revision: 2 },
    });
    const second = m.put({ key: b('a'), value: b('2'), prevKv: true }).response;
    expect(second.prevKv && kvt(second.prevKv)).toEqual(['a', '1', 2, 2, 1, 0n]);
    m.put({ key: b('a'), ignoreValue: true }); // 4: same value, version 3
    expect(get(m, 'a')).toEqual([['a', '2', 2, 4, 3, 0n]]);
    const notFound = 'etcdserver: key not found';
    expectEtcdError(
      () => m.put({ key: b('nope'), ignoreValue: true }),
      'keyNotFound',
      notFound,
      'INVALID_ARGUMENT',
    );
    expectEtcdError(
      () => m.put({ key: b('nope'), value: b('v'), ignoreLease: true }),
      'keyNotFound',
      notFound,
      'INVALID_ARGUMENT',
    );
    expectEtcdError(
      () => m.put({ key: b('a'), value: b('x'), ignoreValue: true }),
      'valueProvided',
      'etcdserver: value is provided',
      'INVALID_ARGUMENT',
    );
    expectEtcdError(
      () => m.put({ key: b('a'), lease: 5n, ignoreLease: true }),
      'leaseProvided',
      'etcdserver: lease is provided',
      'INVALID_ARGUMENT',
    );
    expectEtcdError(
      () => m.put({ key: b('a'), value: b('x'), lease: 5n }),
      'leaseNotFound',
      'etcdserver: requested lease not found',
      'NOT_FOUND',
    );
    expect(m.revision).toBe(4); // No rejected put moved the revision.
  });

  it('rejects empty keys everywhere', () => {
    const m = MvccMachine.create();
    const empty = 'etcdserver: key is not provided';
    expectEtcdError(() => m.range({ key: b('') }), 'emptyKey', empty, 'INVALID_ARGUMENT');
    expectEtcdError(
      () => m.put({ key: b(''), value: b('v') }),
      'emptyKey',
      empty,
      'INVALID_ARGUMENT',
    );
    expectEtcdError(() => m.deleteRange({ key: b('') }), 'emptyKey', empty, 'INVALID_ARGUMENT');
  });

  it('deletes a range at one revision with prev_kvs in key order', () => {
    const m = MvccMachine.create();
    for (const k of ['a', 'b', 'c']) m.put({ key: b(k), value: b(k.toUpperCase()) }); // 2..4
    const del = m.deleteRange({ key: b('a'), rangeEnd: b('c'), prevKv: true });
    expect(del.response.deleted).toBe(2);
    expect(del.response.header.revision).toBe(5);
    expect(del.response.prevKvs.map(kvt)).toEqual([
      ['a', 'A', 2, 2, 1, 0n],
      ['b', 'B', 3, 3, 1, 0n],
    ]);
    expect(del.events.map((e) => [e.type, s(e.kv.key), e.kv.modRevision])).toEqual([
      ['DELETE', 'a', 5],
      ['DELETE', 'b', 5],
    ]);
    expect(all(m).map(([k]) => k)).toEqual(['c']);
  });

  it('keeps stored bytes immune to later mutation of the caller’s arrays', () => {
    const m = MvccMachine.create();
    const value = b('abc');
    m.put({ key: b('k'), value });
    value[0] = 0x7a;
    const read = m.range({ key: b('k') }).kvs[0];
    expect(read && s(read.value)).toBe('abc');
    if (read) read.value[0] = 0x7a;
    expect(get(m, 'k')[0]?.[1]).toBe('abc');
  });
});
