// The bbolt writer and reader: round trips (inline buckets, multi-level trees, overflow
// pages), a real etcd 3.4.23 snapshot read and rewritten, and malformed files rejected with
// BoltFormatError only (fast-check flips bytes of valid files).
//
// Fault model: none (pure functions over bytes).

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BoltBucket,
  BoltFormatError,
  type BoltPair,
  bucket,
  compareBytes,
  fnv64a,
  PAGE_SIZE,
} from './bolt-format.js';
import { readBolt } from './bolt-reader.js';
import { writeBolt } from './bolt-writer.js';
import { snapshotStatus } from './etcd-buckets.js';

const ETCD_FILE = readFileSync(new URL('./testdata/etcd-3.4.23.db', import.meta.url));

const pairsOf = (b: BoltBucket): [string, string][] =>
  Array.from({ length: b.pairs.length }, (_, i) => [
    Buffer.from(b.pairs.key(i)).toString('hex'),
    Buffer.from(b.pairs.value(i)).toString('hex'),
  ]);

const flat = (buckets: readonly BoltBucket[]) =>
  buckets.map((b) => [Buffer.from(b.name).toString('latin1'), pairsOf(b)]);

function numbered(count: number, valueBytes: (i: number) => number): BoltPair[] {
  return Array.from({ length: count }, (_, i) => {
    const key = Buffer.alloc(8);
    key.writeUInt32BE(i, 4);
    return { key, value: Buffer.alloc(valueBytes(i), i % 251) };
  });
}

describe('bolt writer and reader', () => {
  it('round-trips empty, inline, multi-level and overflowing buckets', () => {
    const buckets = [
      bucket('a-empty', []),
      bucket(
        'b-inline',
        numbered(3, () => 5),
      ),
      bucket(
        'c-many',
        numbered(20_000, (i) => i % 40),
      ),
      bucket(
        'd-huge',
        numbered(5, (i) => (i === 2 ? 300_000 : 10)),
      ),
    ];
    const file = writeBolt(buckets);
    expect(file.length % PAGE_SIZE).toBe(0);
    const back = readBolt(file);
    expect(back.highWater * back.pageSize).toBe(file.length);
    expect(flat(back.buckets)).toEqual(flat(buckets));
  });

  it('reads a real etcd 3.4.23 snapshot and rewrites it with the same etcdctl status', () => {
    const db = readBolt(ETCD_FILE.subarray(0, ETCD_FILE.length - 32));
    const names = db.buckets.map((b) => Buffer.from(b.name).toString('latin1'));
    expect(names).toEqual([
      'alarm',
      'auth',
      'authRoles',
      'authUsers',
      'cluster',
      'key',
      'lease',
      'members',
      'members_removed',
      'meta',
    ]);
    // What `etcdctl snapshot status -w json` printed for this file.
    expect(snapshotStatus(db)).toEqual({
      hash: 2249204736,
      revision: 7,
      totalKey: 12,
      totalSize: 20480,
    });
    const rewritten = readBolt(writeBolt(db.buckets));
    expect(flat(rewritten.buckets)).toEqual(flat(db.buckets));
    expect(snapshotStatus(rewritten).hash).toBe(2249204736);
  });

  it('round-trips any sorted buckets (property)', () => {
    const pairs = fc
      .uniqueArray(
        fc.record({
          key: fc.uint8Array({ minLength: 1, maxLength: 40 }),
          value: fc.uint8Array({ maxLength: 6000 }),
        }),
        { selector: (p) => Buffer.from(p.key).toString('hex'), maxLength: 60 },
      )
      .map((ps) => ps.sort((x, y) => compareBytes(x.key, y.key)));
    const buckets = fc
      .uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), pairs), {
        selector: ([n]) => Buffer.from(n, 'latin1').toString('hex'),
        maxLength: 6,
      })
      .map((bs) =>
        bs.map(([name, ps]) => bucket(name, ps)).sort((x, y) => compareBytes(x.name, y.name)),
      );
    fc.assert(
      fc.property(buckets, (bs) => {
        expect(flat(readBolt(writeBolt(bs)).buckets)).toEqual(flat(bs));
      }),
      { numRuns: 60 },
    );
  });
});

function rejects(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    readBolt(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BoltFormatError);
  expect((error as Error).message).toMatch(message);
}

/** A file of one bucket big enough for branch pages; `edit` corrupts a copy. */
function corrupted(edit: (file: Buffer) => void): Buffer {
  const file = Buffer.from(
    writeBolt([
      bucket(
        'k',
        numbered(2000, () => 20),
      ),
    ]),
  );
  edit(file);
  return file;
}

function flip(file: Buffer, at: number): void {
  file.writeUInt8(file.readUInt8(at) ^ 1, at);
}

/** Rewrites both metas' checksums after an edit of their fields (so the edit is what fails). */
function resum(file: Buffer): void {
  for (const page of [0, 1]) {
    const m = page * PAGE_SIZE + 16;
    file.writeBigUInt64LE(fnv64a(file.subarray(m, m + 56)), m + 56);
  }
}

describe('bolt reader on malformed files', () => {
  it('rejects short files, bad magic and checksums', () => {
    rejects(new Uint8Array(100), /shorter than two meta pages/);
    rejects(
      corrupted((f) => {
        f.writeUInt32LE(0, 16);
        f.writeUInt32LE(0, PAGE_SIZE + 16);
      }),
      /no valid meta page \(bad magic; bad magic\)/,
    );
    rejects(
      corrupted((f) => {
        flip(f, 16 + 20);
        flip(f, PAGE_SIZE + 16 + 20);
      }),
      /meta checksum mismatch/,
    );
    rejects(corrupted(() => {}).subarray(0, 3 * PAGE_SIZE), /shorter than/);
  });

  it('falls back to the other meta when one is corrupt', () => {
    const file = corrupted((f) => {
      flip(f, PAGE_SIZE + 16 + 20); // meta 1 (the newer) broken
    });
    expect(readBolt(file).txid).toBe(2n);
  });

  it('rejects page ids out of bounds, cycles and elements beyond their page', () => {
    const root = (f: Buffer) => Number(f.readBigUInt64LE(16 + 16));
    rejects(
      corrupted((f) => {
        f.writeBigUInt64LE(9999n, 16 + 16);
        f.writeBigUInt64LE(9999n, PAGE_SIZE + 16 + 16);
        resum(f);
      }),
      /out of bounds/,
    );
    // The bucket's branch page points at itself.
    rejects(
      corrupted((f) => {
        const rootPage = root(f) * PAGE_SIZE;
        const value = rootPage + 16 + 16 + 1; // after the element and the 1-byte name 'k'
        const branch = Number(f.readBigUInt64LE(value));
        f.writeBigUInt64LE(BigInt(branch), branch * PAGE_SIZE + 16 + 8);
      }),
      /multiple references/,
    );
    rejects(
      corrupted((f) => {
        const leaf = 2 * PAGE_SIZE; // the first leaf of the bucket
        f.writeUInt32LE(PAGE_SIZE * 3, leaf + 16 + 4);
      }),
      /beyond its page/,
    );
    rejects(
      corrupted((f) => f.writeUInt16LE(0x08, 2 * PAGE_SIZE + 8)),
      /page type/,
    );
  });

  it('rejects keys out of order', () => {
    rejects(
      corrupted((f) => {
        // Swap the first two keys' last bytes in the first leaf.
        const leaf = 2 * PAGE_SIZE;
        const first = leaf + 16 + f.readUInt32LE(leaf + 16 + 4);
        f[first + 7] = 0xff;
      }),
      /keys out of order/,
    );
  });

  it('throws nothing but BoltFormatError, whatever bytes are flipped (property)', () => {
    const valid = writeBolt([
      bucket(
        'a',
        numbered(300, (i) => i % 90),
      ),
      bucket('b', []),
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (flips) => {
          const file = Buffer.from(valid);
          for (const [at, mask] of flips) file[at] = (file[at] as number) ^ mask;
          try {
            readBolt(file);
          } catch (error) {
            expect(error).toBeInstanceOf(BoltFormatError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
