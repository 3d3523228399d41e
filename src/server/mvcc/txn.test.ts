// Txn semantics as etcd v3.4 applies them: compares on every target and result, over
// ranges and missing keys; branches; one revision for all writes with sub-revisions in
// order; reads that see earlier writes; nested txns decided up front; etcd's op limit,
// duplicate-key rules (with the "\0" quirk) and pre-write checks that leave nothing behind.

import { describe, expect, it } from 'vitest';
import { MvccMachine } from './machine.js';
import { b, evt, kindOf, kvt, s } from './test-helpers.js';
import type { Compare, RequestOp, TxnRequest } from './types.js';

const put = (key: string, value = 'v'): RequestOp => ({
  requestPut: { key: b(key), value: b(value) },
});
const del = (key: string, rangeEnd?: string): RequestOp => ({
  requestDeleteRange:
    rangeEnd === undefined ? { key: b(key) } : { key: b(key), rangeEnd: b(rangeEnd) },
});
const get = (key: string, revision = 0): RequestOp => ({ requestRange: { key: b(key), revision } });
const txn = (t: TxnRequest): RequestOp => ({ requestTxn: t });

/** a = "x" at 2 (lease 0), then a = "y" at 3 (version 2); b = "z" at 4. */
function seeded(): MvccMachine {
  const m = MvccMachine.create();
  m.put({ key: b('a'), value: b('x') });
  m.put({ key: b('a'), value: b('y') });
  m.put({ key: b('b'), value: b('z') });
  return m;
}

describe('Txn compares', () => {
  const cases: [string, Compare, boolean][] = [
    ['version equal', { key: b('a'), target: 'VERSION', result: 'EQUAL', version: 2 }, true],
    ['version greater', { key: b('a'), target: 'VERSION', result: 'GREATER', version: 1 }, true],
    ['version less', { key: b('a'), target: 'VERSION', result: 'LESS', version: 2 }, false],
    ['create equal', { key: b('a'), target: 'CREATE', result: 'EQUAL', createRevision: 2 }, true],
    ['mod not equal', { key: b('a'), target: 'MOD', result: 'NOT_EQUAL', modRevision: 3 }, false],
    ['mod less', { key: b('a'), target: 'MOD', result: 'LESS', modRevision: 4 }, true],
    ['value equal', { key: b('a'), target: 'VALUE', result: 'EQUAL', value: b('y') }, true],
    ['value greater', { key: b('a'), target: 'VALUE', result: 'GREATER', value: b('x') }, true],
    ['value unset is empty', { key: b('a'), target: 'VALUE', result: 'GREATER' }, true],
    ['lease equal 0', { key: b('a'), target: 'LEASE', result: 'EQUAL', lease: 0n }, true],
    ['missing: version 0', { key: b('no'), target: 'VERSION', result: 'EQUAL', version: 0 }, true],
    ['missing: create 0', { key: b('no'), target: 'CREATE', result: 'EQUAL' }, true],
    ['missing: mod < 1', { key: b('no'), target: 'MOD', result: 'LESS', modRevision: 1 }, true],
    [
      'missing: value fails even NOT_EQUAL',
      { key: b('no'), target: 'VALUE', result: 'NOT_EQUAL', value: b('q') },
      false,
    ],
    [
      'range: all keys must hold',
      { key: b('a'), rangeEnd: b('c'), target: 'CREATE', result: 'GREATER', createRevision: 1 },
      true,
    ],
    [
      'range: one key failing fails',
      { key: b('a'), rangeEnd: b('c'), target: 'VERSION', result: 'EQUAL', version: 2 },
      false,
    ],
    [
      'range to the end',
      { key: b('a'), rangeEnd: b('\0'), target: 'MOD', result: 'GREATER', modRevision: 2 },
      true,
    ],
  ];

  it.each(cases)('%s', (_label, compare, expected) => {
    const m = seeded();
    const r = m.txn({ compare: [compare], success: [put('s')], failure: [put('f')] });
    expect(r.response.succeeded).toBe(expected);
    expect(m.range({ key: b(expected ? 's' : 'f') }).count).toBe(1);
  });

  it('ANDs compares', () => {
    const m = seeded();
    const compare: Compare[] = [
      { key: b('a'), target: 'VERSION', result: 'EQUAL', version: 2 },
      { key: b('b'), target: 'VALUE', result: 'EQUAL', value: b('nope') },
    ];
    expect(m.txn({ compare }).response.succeeded).toBe(false);
  });
});

describe('Txn execution', () => {
  it('writes every op at one revision, in sub-revision order, reads seeing earlier writes', () => {
    const m = seeded(); // At 4.
    const r = m.txn({
      success: [get('c'), put('c', '1'), get('c'), put('a', 'w'), del('b'), get('b')],
    });
    expect(r.response.header.revision).toBe(5);
    const [r0, p1, r2, p3, d4, r5] = r.response.responses as [
      { responseRange: { header: { revision: number }; kvs: [] } },
      { responsePut: { header: { revision: number } } },
      { responseRange: { header: { revision: number }; kvs: never[] } },
      { responsePut: { header: { revision: number } } },
      { responseDeleteRange: { header: { revision: number }; deleted: number } },
      { responseRange: { kvs: never[] } },
    ];
    expect(r0.responseRange.kvs).toEqual([]);
    expect(r0.responseRange.header.revision).toBe(4); // Before any write of the txn.
    expect(p1.responsePut.header.revision).toBe(5);
    expect(r2.responseRange.header.revision).toBe(5);
    expect(r2.responseRange.kvs.map(kvt)).toEqual([['c', '1', 5, 5, 1, 0n]]);
    expect(p3.responsePut.header.revision).toBe(5);
    expect(d4.responseDeleteRange).toMatchObject({ deleted: 1, header: { revision: 5 } });
    expect(r5.responseRange.kvs).toEqual([]);
    expect(r.events.map(evt)).toEqual([
      ['PUT', ['c', '1', 5, 5, 1, 0n], undefined],
      ['PUT', ['a', 'w', 2, 5, 3, 0n], ['a', 'y', 2, 3, 2, 0n]],
      ['DELETE', ['b', '', 0, 5, 0, 0n], ['b', 'z', 4, 4, 1, 0n]],
    ]);
    expect(m.revision).toBe(5);
  });

  it('moves no revision for a read-only txn or one whose writes change nothing', () => {
    const m = seeded();
    const ro = m.txn({ success: [get('a')] });
    expect(ro.response.header.revision).toBe(4);
    const noop = m.txn({ success: [del('missing')] });
    expect(noop.response.header.revision).toBe(4);
    expect(noop.events).toEqual([]);
    expect(m.revision).toBe(4);
    // A range op at a past revision inside a txn.
    const past = m.txn({ success: [get('a', 2)] }).response.responses[0];
    expect(past && 'responseRange' in past && past.responseRange.kvs.map(kvt)).toEqual([
      ['a', 'x', 2, 2, 1, 0n],
    ]);
  });

  it('decides nested txns against the state before the txn; nested headers say 0', () => {
    const m = seeded();
    const r = m.txn({
      success: [
        put('c', 'new'),
        txn({
          // c does not exist before the txn, even though the parent just put it.
          compare: [{ key: b('c'), target: 'VERSION', result: 'EQUAL', version: 0 }],
          success: [put('d', 'then')],
          failure: [put('d', 'else')],
        }),
      ],
    });
    expect(r.response.header.revision).toBe(5);
    const nested = r.response.responses[1];
    expect(nested && 'responseTxn' in nested && nested.responseTxn).toMatchObject({
      header: { revision: 0 },
      succeeded: true,
    });
    expect(m.range({ key: b('d') }).kvs.map((kv) => s(kv.value))).toEqual(['then']);
  });

  it('runs the failure branch', () => {
    const m = seeded();
    const r = m.txn({
      compare: [{ key: b('a'), target: 'VALUE', result: 'EQUAL', value: b('nope') }],
      success: [put('s')],
      failure: [get('a'), put('f')],
    });
    expect(r.response.succeeded).toBe(false);
    expect(r.response.responses.map((x) => Object.keys(x)[0])).toEqual([
      'responseRange',
      'responsePut',
    ]);
    expect(m.range({ key: b('s') }).count).toBe(0);
  });
});

describe('Txn limits and checks', () => {
  it('allows 128 ops and refuses 129 (or the configured limit)', () => {
    const m = MvccMachine.create();
    const ops = (n: number) => Array.from({ length: n }, (_, i) => put(`k${i}`));
    expect(m.txn({ success: ops(128) }).response.header.revision).toBe(2);
    expect(kindOf(() => m.txn({ success: ops(129) }))).toBe('tooManyOps');
    expect(kindOf(() => m.txn({ failure: ops(129) }))).toBe('tooManyOps');
    const small = MvccMachine.create({ maxTxnOps: 3 });
    expect(kindOf(() => small.txn({ success: ops(4) }))).toBe('tooManyOps');
    // A nested txn may hold only what its parent leaves: 3 - 2 = 1 op.
    const nested = { success: [put('x'), txn({ success: [put('y'), put('z')] })] };
    expect(kindOf(() => small.txn(nested))).toBe('tooManyOps');
  });

  it.each([
    ['put twice', [put('a'), put('a')], 'duplicateKey'],
    ['put and delete', [put('a'), del('a')], 'duplicateKey'],
    ['put inside a deleted range', [del('a', 'c'), put('b')], 'duplicateKey'],
    ['put at a range end', [del('a', 'c'), put('c')], undefined],
    ['delete to the end with "\\0" (etcd quirk)', [del('a', '\0'), put('b')], undefined],
    ['two deletes overlapping', [del('a', 'c'), del('b')], undefined],
    ['nested put against parent delete', [del('a'), txn({ success: [put('a')] })], 'duplicateKey'],
    ['same key in then and else', [txn({ success: [put('a')], failure: [put('a')] })], undefined],
    ['nested put and parent put', [put('a'), txn({ success: [put('a')] })], 'duplicateKey'],
    ['an empty op', [{}], 'keyNotFound'],
    ['a put with an empty key', [put('')], 'emptyKey'],
  ] as [string, RequestOp[], string | undefined][])('%s', (_label, success, kind) => {
    const m = MvccMachine.create();
    expect(kindOf(() => m.txn({ success }))).toBe(kind);
  });

  it('refuses a compare on an empty key', () => {
    const m = MvccMachine.create();
    const compare: Compare[] = [{ key: b(''), target: 'VERSION', result: 'EQUAL' }];
    expect(kindOf(() => m.txn({ compare }))).toBe('emptyKey');
  });

  it('checks the chosen path before writing anything', () => {
    const m = seeded();
    const leased: RequestOp = { requestPut: { key: b('x'), value: b('v'), lease: 99n } };
    expect(kindOf(() => m.txn({ success: [put('c'), leased] }))).toBe('leaseNotFound');
    const ignore: RequestOp = { requestPut: { key: b('nope'), ignoreValue: true } };
    expect(kindOf(() => m.txn({ success: [put('c'), ignore] }))).toBe('keyNotFound');
    expect(kindOf(() => m.txn({ success: [put('c'), get('a', 9)] }))).toBe('futureRev');
    expect(m.revision).toBe(4);
    expect(m.range({ key: b('c') }).count).toBe(0);
    // The branch not taken is not checked.
    const r = m.txn({
      compare: [{ key: b('a'), target: 'VERSION', result: 'EQUAL', version: 2 }],
      failure: [leased],
    });
    expect(r.response.succeeded).toBe(true);
    m.compact({ revision: 3 });
    expect(kindOf(() => m.txn({ success: [get('a', 2)] }))).toBe('compacted');
  });
});
