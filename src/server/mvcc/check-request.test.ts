// Stateless request validation shared with the gRPC layer: etcd's messages for each bad
// request, the sort-option check etcd 3.4 lacks, the lease TTL bound, and the corners of
// etcd's duplicate-key check (sibling order, then/else exclusivity, the "\0" range end).

import { describe, expect, it } from 'vitest';
import {
  checkLeaseGrantRequest,
  checkRangeRequest,
  checkTxnRequest,
  MAX_LEASE_TTL_SECONDS,
} from './check-request.js';
import { b, kindOf } from './test-helpers.js';
import type { RequestOp, TxnRequest } from './types.js';

const put = (key: string): RequestOp => ({ requestPut: { key: b(key), value: b('v') } });
const del = (key: string, rangeEnd?: string): RequestOp => ({
  requestDeleteRange:
    rangeEnd === undefined ? { key: b(key) } : { key: b(key), rangeEnd: b(rangeEnd) },
});
const nested = (t: TxnRequest): RequestOp => ({ requestTxn: t });

describe('checkRequest', () => {
  it('answers an unknown sort option instead of panicking as etcd 3.4 does', () => {
    expect(kindOf(() => checkRangeRequest({ key: b('a'), sortOrder: 'UP' as 'ASCEND' }))).toBe(
      'invalidSortOption',
    );
    expect(kindOf(() => checkRangeRequest({ key: b('a'), sortTarget: 7 as never }))).toBe(
      'invalidSortOption',
    );
    expect(kindOf(() => checkRangeRequest({ key: b('a'), sortOrder: 'DESCEND' }))).toBeUndefined();
  });

  it('bounds lease TTLs at etcd’s MaxLeaseTTL', () => {
    expect(kindOf(() => checkLeaseGrantRequest({ ID: 1n, TTL: MAX_LEASE_TTL_SECONDS }))).toBe(
      undefined,
    );
    expect(kindOf(() => checkLeaseGrantRequest({ ID: 1n, TTL: MAX_LEASE_TTL_SECONDS + 1 }))).toBe(
      'leaseTtlTooLarge',
    );
  });

  it('counts the largest of compares, success and failure against the limit', () => {
    const compare = Array.from({ length: 5 }, () => ({
      key: b('k'),
      target: 'VERSION' as const,
      result: 'EQUAL' as const,
    }));
    expect(kindOf(() => checkTxnRequest({ compare, success: [put('a')] }, 5))).toBeUndefined();
    expect(kindOf(() => checkTxnRequest({ compare, success: [put('a')] }, 4))).toBe('tooManyOps');
  });

  it.each([
    // A nested put meets the deletes of siblings BEFORE it, not after (etcd's order).
    [
      'nested put, later sibling delete',
      [nested({ success: [put('b')] }), del('a', 'c')],
      'duplicateKey',
    ],
    [
      'nested delete, later nested put',
      [nested({ success: [del('b')] }), nested({ success: [put('b')] })],
      'duplicateKey',
    ],
    [
      'nested put, later nested delete',
      [nested({ success: [put('b')] }), nested({ success: [del('b')] })],
      undefined,
    ],
    [
      'else put vs earlier then put',
      [nested({ success: [put('a')] }), nested({ failure: [put('a')] })],
      'duplicateKey',
    ],
    [
      'deep nesting',
      [del('x'), nested({ success: [nested({ failure: [put('x')] })] })],
      'duplicateKey',
    ],
    ['a point delete does not cover a longer key', [del('a'), put('a\u0000')], undefined],
  ] as [string, RequestOp[], string | undefined][])('%s', (_label, success, kind) => {
    expect(kindOf(() => checkTxnRequest({ success }))).toBe(kind);
  });
});
