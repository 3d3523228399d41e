// The pure step-record format: encode/decode pair checks, the hand-assembled msgpack equals
// the codec's, either CRC implementation reads the other's records, a format-1 record is
// refused (never cut as a torn tail), and replay stops at the first bad record.

import { crc32c } from '@node-rs/crc32';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from './codec.js';
import { crc32cJs } from './crc32c.js';
import {
  concatBytes,
  deleteOpRoom,
  encodeStep,
  HEADER_BYTES,
  isWellFormed,
  putDeleteOp,
  putSetOp,
  type ReplayState,
  readStepRecord,
  replaySegment,
  SEAL_SLACK_BYTES,
  STEP_START_BYTES,
  sealStep,
  setOpRoom,
  type WalOp,
} from './step-record.js';

const value = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 40 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string()),
);
const op: fc.Arbitrary<WalOp> = fc.oneof(
  fc.tuple(fc.constant('set' as const), fc.string({ maxLength: 8 }), value),
  fc.tuple(fc.constant('delete' as const), fc.string({ maxLength: 8 })),
);

describe('runtime/wal step records', () => {
  it('decodes what it encodes, with either CRC, and the payload is the codec of the ops', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.nat(2 ** 40), (ops, seq) => {
        const bytes = encodeStep(seq, ops, crc32c);
        expect(encodeStep(seq, ops, crc32cJs)).toEqual(bytes);
        expect(decode(bytes.subarray(HEADER_BYTES))).toEqual(decode(encode(ops)));
        for (const crc of [crc32c, crc32cJs]) {
          const r = readStepRecord(bytes, 0, crc);
          expect(r).toEqual({
            kind: 'ok',
            record: { seq, ops: decode(encode(ops)) },
            next: bytes.length,
          });
        }
      }),
    );
  });

  it('encodes every size of msgpack array header (fix, 16-bit and 32-bit counts)', () => {
    for (const n of [15, 16, 65_535, 65_536, 70_000]) {
      const ops = Array.from({ length: n }, (_, i): WalOp => ['delete', `k${i % 7}`]);
      const bytes = encodeStep(9, ops, crc32c);
      const r = readStepRecord(bytes, 0, crc32c);
      expect(r.kind === 'ok' && r.record.ops.length).toBe(n);
      expect(decode(bytes.subarray(HEADER_BYTES))).toEqual(decode(encode(ops)));
    }
  });

  it('writes strings itself exactly as the codec reads them back, whatever their length or alphabet', () => {
    // The runtime writes string keys and values straight into the record (putString), not
    // through the codec: every str header size, non-ASCII, astral and lone surrogates.
    const check = (strings: readonly string[]) => {
      let room = STEP_START_BYTES + SEAL_SLACK_BYTES;
      for (const k of strings) room += setOpRoom(k, k) + deleteOpRoom(k);
      const out = new Uint8Array(room);
      let end = STEP_START_BYTES;
      const ops: WalOp[] = [];
      for (const k of strings) {
        // A value string goes in as itself only when well formed (WalStorage does the same).
        const value = isWellFormed(k) ? k : encode(k);
        end = putSetOp(out, end, k, value);
        end = putDeleteOp(out, end, k);
        ops.push(['set', k, k], ['delete', k]);
      }
      const record = out.slice(0, sealStep(out, 0, end, { seq: 7, opCount: ops.length }, crc32c));
      expect(readStepRecord(record, 0, crc32cJs)).toEqual({
        kind: 'ok',
        record: { seq: 7, ops: decode(encode(ops)) },
        next: record.length,
      });
    };
    const lengths = [0, 1, 31, 32, 33, 255, 256, 65_535, 65_536, 70_000];
    check(lengths.flatMap((n) => ['a'.repeat(n), 'é'.repeat(n), '😀'.repeat(n >> 1)]));
    check(['ключ', 'a\ud800', '\udc00b', 'x'.repeat(31) + '\ud83d']);
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 80 })), check));
  });

  it('a record followed by zeros is a torn tail, cut where the record ends', () => {
    // What a crash can leave when the file grew before its data reached the disk.
    const first = encodeStep(1, [['set', 'a', 1]], crc32c);
    const zeros = new Uint8Array(4096);
    for (const tail of [zeros.subarray(0, 3), zeros]) {
      const state: ReplayState = { map: new Map(), lastSeq: 0 };
      const r = replaySegment(concatBytes([first, tail]), state, { isLast: true, crc: crc32c });
      expect(r).toEqual({ end: first.length, bad: { why: expect.any(String), tornTail: true } });
      expect(Object.fromEntries(state.map)).toEqual({ a: 1 });
    }
  });

  it('replays whole steps and reports a cut anywhere in the last one as a torn tail', () => {
    const first = encodeStep(
      1,
      [
        ['set', 'a', 1],
        ['set', 'b', 2],
      ],
      crc32cJs,
    );
    const second = encodeStep(
      2,
      [
        ['delete', 'a'],
        ['set', 'c', 3],
        ['set', 'b', 20],
      ],
      crc32cJs,
    );
    const both = concatBytes([first, second]);
    for (let cut = first.length; cut <= both.length; cut++) {
      const state: ReplayState = { map: new Map(), lastSeq: 0 };
      const r = replaySegment(both.subarray(0, cut), state, { isLast: true, crc: crc32cJs });
      const whole = cut === both.length;
      expect(Object.fromEntries(state.map)).toEqual(whole ? { b: 20, c: 3 } : { a: 1, b: 2 });
      expect(r.end).toBe(whole ? both.length : first.length);
      if (cut > first.length && !whole) expect(r.bad?.tornTail).toBe(true);
    }
  });

  it('refuses a record of format 1 instead of cutting it as a torn tail', () => {
    // Format 1: u32 length, u32 CRC of (seq, payload), u64 seq, codec of one operation.
    const payload = encode(['set', 'k', 1]);
    const old = Buffer.alloc(16 + payload.length);
    old.writeUInt32LE(payload.length, 0);
    old.writeBigUInt64LE(1n, 8);
    old.set(payload, 16);
    old.writeUInt32LE(crc32c(old.subarray(8)), 4);
    const state: ReplayState = { map: new Map(), lastSeq: 0 };
    const r = replaySegment(old, state, { isLast: true, crc: crc32c });
    expect(r.bad).toEqual({ why: expect.stringMatching(/format 1/), tornTail: false });
  });

  it('a sequence gap or a bad record followed by a valid one is not a torn tail', () => {
    const one = encodeStep(1, [['set', 'a', 1]], crc32c);
    const three = encodeStep(3, [['set', 'a', 3]], crc32c);
    const gap = replaySegment(
      concatBytes([one, three]),
      { map: new Map(), lastSeq: 0 },
      {
        isLast: true,
        crc: crc32c,
      },
    );
    expect(gap.bad).toEqual({ why: 'sequence gap: 1 then 3', tornTail: false });
    const two = encodeStep(2, [['set', 'a', 2]], crc32c);
    const flipped = concatBytes([one, two, three]);
    const at = one.length + HEADER_BYTES;
    flipped[at] = (flipped[at] as number) ^ 0xff;
    const r = replaySegment(flipped, { map: new Map(), lastSeq: 0 }, { isLast: true, crc: crc32c });
    expect(r.bad).toEqual({ why: 'checksum mismatch', tornTail: false });
  });
});
