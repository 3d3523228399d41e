// A packed command (pack.ts) applies exactly as the original: random puts (with leases, the
// ignore flags, prev_kv), range deletes and txns (compares on every target, nested txns,
// ranges inside them, empty values) go to two machines, one as built from gRPC and one
// packed and sent through the codec as the log and the WAL carry it; every answer, error
// and event, and the final snapshot, must be equal. Also: what packing leaves out, and that
// the peer shape check accepts packed commands but not strings that do not spell bytes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../core/codec.js';
import { commandShapeProblem } from '../command-shape.js';
import { applyCommand, type MvccCommand } from './commands.js';
import { MvccMachine } from './machine.js';
import { packCommand } from './pack.js';
import { b, s } from './test-helpers.js';
import type { Compare, RequestOp, TxnRequest } from './types.js';

const LEASE = 7n;
const keyArb = fc.constantFrom('a', 'b', 'c', 'a\u0000', '\u00ff', '');
const valueArb = fc.constantFrom('x', 'y', '', '\u0080\u00ff');
// Optional fields are optional through `requiredKeys`: absent, or set (false and '' too).
const endArb = fc.constantFrom('c', '\u0000', 'zz', '').map(b);
const flag = fc.boolean();

const putArb = fc.record(
  {
    key: keyArb.map(b),
    value: valueArb.map(b),
    lease: fc.constantFrom<bigint>(0n, LEASE, 99n),
    prevKv: flag,
    ignoreValue: flag,
    ignoreLease: flag,
  },
  { requiredKeys: ['key'] },
);
const deleteArb = fc.record(
  { key: keyArb.map(b), rangeEnd: endArb, prevKv: flag },
  { requiredKeys: ['key'] },
);
const compareArb: fc.Arbitrary<Compare> = fc.record(
  {
    result: fc.constantFrom<Compare['result']>('EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'),
    target: fc.constantFrom<Compare['target']>('VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'),
    key: keyArb.map(b),
    rangeEnd: endArb,
    version: fc.integer({ min: 0, max: 3 }),
    createRevision: fc.integer({ min: 0, max: 6 }),
    modRevision: fc.integer({ min: 0, max: 6 }),
    value: valueArb.map(b),
    lease: fc.constantFrom<bigint>(0n, LEASE),
  },
  { requiredKeys: ['result', 'target', 'key'] },
);
const rangeOpArb = fc.record(
  {
    key: keyArb.map(b),
    rangeEnd: endArb,
    limit: fc.integer({ min: 0, max: 2 }),
    keysOnly: flag,
    countOnly: flag,
    sortOrder: fc.constantFrom<'NONE' | 'ASCEND' | 'DESCEND'>('NONE', 'ASCEND', 'DESCEND'),
  },
  { requiredKeys: ['key'] },
);

const { txnArb } = fc.letrec<{ txnArb: TxnRequest; opArb: RequestOp }>((tie) => ({
  opArb: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    putArb.map((requestPut) => ({ requestPut })),
    deleteArb.map((requestDeleteRange) => ({ requestDeleteRange })),
    rangeOpArb.map((requestRange) => ({ requestRange })),
    tie('txnArb').map((requestTxn) => ({ requestTxn: requestTxn as TxnRequest })),
  ),
  txnArb: fc.record({
    compare: fc.array(compareArb, { maxLength: 2 }),
    success: fc.array(tie('opArb') as fc.Arbitrary<RequestOp>, { maxLength: 3 }),
    failure: fc.array(tie('opArb') as fc.Arbitrary<RequestOp>, { maxLength: 2 }),
  }),
}));

const commandArb: fc.Arbitrary<MvccCommand> = fc.oneof(
  { arbitrary: putArb.map((request) => ({ type: 'put' as const, request })), weight: 3 },
  { arbitrary: deleteArb.map((request) => ({ type: 'deleteRange' as const, request })), weight: 1 },
  { arbitrary: txnArb.map((request) => ({ type: 'txn' as const, request })), weight: 2 },
);

/** Plain data for comparing answers: bytes and bigints spelled out, errors by kind. */
function norm(x: unknown): unknown {
  if (x instanceof Uint8Array) return `bytes:${s(x)}`;
  if (typeof x === 'bigint') return `n:${x}`;
  if (x instanceof Error) return `error:${(x as { kind?: string }).kind}`;
  if (Array.isArray(x)) return x.map(norm);
  if (x !== null && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, norm(v)]));
  }
  return x;
}

function machine(): MvccMachine {
  const m = MvccMachine.create();
  m.leaseGrant({ ID: LEASE, TTL: 60 }, 0);
  return m;
}

describe('packed commands', () => {
  it('apply exactly as the commands they were packed from', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 30 }), (commands) => {
        const plain = machine();
        const packed = machine();
        for (const command of commands) {
          const logged = decode<MvccCommand<string>>(encode(packCommand(command)));
          expect(commandShapeProblem(logged)).toBeUndefined();
          expect(norm(applyCommand(packed, logged))).toEqual(norm(applyCommand(plain, command)));
        }
        expect(norm(packed.snapshot())).toEqual(norm(plain.snapshot()));
      }),
      { numRuns: 300 },
    );
  });

  it('spell bytes as latin1 strings and leave proto3 defaults out', () => {
    const put: MvccCommand = {
      type: 'put',
      request: { key: b('k\u00ff'), value: b(''), lease: 0n, prevKv: false, ignoreLease: false },
    };
    expect(packCommand(put)).toEqual({ type: 'put', request: { key: 'k\u00ff' } });
    const txn: MvccCommand = {
      type: 'txn',
      request: {
        compare: [],
        success: [{ requestDeleteRange: { key: b('a'), rangeEnd: b('\u0000'), prevKv: true } }],
        failure: [],
      },
    };
    expect(packCommand(txn)).toEqual({
      type: 'txn',
      request: {
        success: [{ requestDeleteRange: { key: 'a', rangeEnd: '\u0000', prevKv: true } }],
      },
    });
  });

  it('pass the peer shape check only when every string spells bytes', () => {
    const ok = { type: 'put', request: { key: 'k', value: '\u00ff' } };
    expect(commandShapeProblem(ok)).toBeUndefined();
    const wide = { type: 'put', request: { key: 'k', value: '\u0100' } };
    expect(commandShapeProblem(wide)).toBeDefined();
    const wideCompare = {
      type: 'txn',
      request: { compare: [{ result: 'EQUAL', target: 'VALUE', key: '\u20ac', value: '' }] },
    };
    expect(commandShapeProblem(wideCompare)).toBeDefined();
  });
});
