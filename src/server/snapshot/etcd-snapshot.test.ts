// The MVCC state as etcd's buckets and back: a real etcd 3.4.23 snapshot restored (keys,
// revisions, leases, etcd's HashKV), random histories through write → read → restore giving
// the same reads and the same HashKV, and malformed etcd content refused with typed errors.
//
// Fault model: none (pure functions).

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthStore } from '../auth/store.js';
import { MvccMachine } from '../mvcc/index.js';
import { b, kvt } from '../mvcc/test-helpers.js';
import { bucket } from './bolt-format.js';
import { readBolt } from './bolt-reader.js';
import { writeBolt } from './bolt-writer.js';
import { type EtcdState, etcdBuckets, hashBuckets, snapshotStatus } from './etcd-buckets.js';
import { EtcdSnapshotError, restoredState } from './etcd-restore.js';
import { hashKV } from './key-bucket.js';

const ETCD_FILE = readFileSync(new URL('./testdata/etcd-3.4.23.db', import.meta.url));
const LEASE = 0x694da2432ea73409n;

const all = (m: MvccMachine, revision = 0) =>
  m.range({ key: b('\0'), rangeEnd: b('\0'), revision }).kvs.map(kvt);

function stateOf(m: MvccMachine): EtcdState {
  return {
    mvcc: m.snapshot(),
    auth: new AuthStore().snapshot(),
    members: [
      { id: 0x8e9e05c52164694dn, name: 'default', peerURLs: ['http://a:1'], clientURLs: [] },
    ],
    alarms: [],
    consistentIndex: 42,
  };
}

/** Cohort's state → snapshot file → the state a restore rebuilds. */
function roundTrip(m: MvccMachine): MvccMachine {
  const file = writeBolt(etcdBuckets(stateOf(m)));
  return MvccMachine.restore(restoredState(readBolt(file)).mvcc);
}

describe('etcd snapshot of the MVCC state', () => {
  it('restores a real etcd 3.4.23 snapshot: keys, revisions, lease, compaction, HashKV', () => {
    const state = restoredState(readBolt(ETCD_FILE));
    const m = MvccMachine.restore(state.mvcc);
    expect(m.revision).toBe(7);
    expect(m.compactRevision).toBe(4);
    expect(all(m)).toEqual([
      ['a', '3', 2, 4, 2, 0n],
      ['c', '4', 6, 6, 1, LEASE],
      ['d', '5', 7, 7, 1, 0n],
    ]);
    expect(all(m, 4)).toEqual([
      ['a', '3', 2, 4, 2, 0n],
      ['b', '2', 3, 3, 1, 0n],
    ]);
    expect(m.leaseLeases().leases.map((l) => l.ID)).toEqual([LEASE]);
    // What etcd's `endpoint hashkv` answered for this store.
    expect(hashKV(m.snapshot(), 0)).toBe(3766472438);
    // Written back, the file has etcd's key, lease and meta content (members are new).
    const again = readBolt(writeBolt(etcdBuckets({ ...stateOf(m), consistentIndex: 11 })));
    const original = readBolt(ETCD_FILE);
    for (const name of ['key', 'lease', 'meta', 'auth', 'cluster']) {
      const pick = (f: typeof again) =>
        f.buckets.find((x) => Buffer.from(x.name).toString() === name);
      expect(hashBuckets([pick(again) as never], { consistentIndex: true })).toBe(
        hashBuckets([pick(original) as never], { consistentIndex: true }),
      );
    }
    expect(snapshotStatus(again).revision).toBe(7);
  });

  it('refuses compacted and future revisions in HashKV as etcd does', () => {
    const m = MvccMachine.restore(restoredState(readBolt(ETCD_FILE)).mvcc);
    expect(() => hashKV(m.snapshot(), 4)).toThrow(/compacted/);
    expect(() => hashKV(m.snapshot(), 8)).toThrow(/future/);
    expect(hashKV(m.snapshot(), 7)).toBe(hashKV(m.snapshot(), 0));
  });

  it('keeps reads, revisions, leases and HashKV across write and restore (property)', () => {
    const op = fc.oneof(
      fc.record({
        t: fc.constant('put' as const),
        k: fc.integer({ min: 0, max: 6 }),
        v: fc.string({ maxLength: 300 }),
        lease: fc.boolean(),
      }),
      fc.record({ t: fc.constant('del' as const), k: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ t: fc.constant('compact' as const), back: fc.integer({ min: 0, max: 5 }) }),
      // A txn writes several keys at one revision (sub revisions 0, 1, 2 in the bucket).
      fc.record({ t: fc.constant('txn' as const), k: fc.integer({ min: 0, max: 6 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const m = MvccMachine.create();
        m.leaseGrant({ ID: 77n, TTL: 30 }, 0);
        for (const o of ops) {
          if (o.t === 'put') m.put({ key: b(`k${o.k}`), value: b(o.v), lease: o.lease ? 77n : 0n });
          else if (o.t === 'del') m.deleteRange({ key: b(`k${o.k}`) });
          else if (o.t === 'txn')
            m.txn({
              success: [
                { requestPut: { key: b(`k${(o.k + 2) % 7}`), value: b('t') } },
                { requestDeleteRange: { key: b(`k${(o.k + 1) % 7}`) } },
                { requestPut: { key: b(`k${o.k}`), value: b('t') } },
              ],
            });
          else {
            const rev = m.revision - o.back;
            if (rev > m.compactRevision && rev >= 1) m.compact({ revision: rev });
          }
        }
        const r = roundTrip(m);
        expect(r.revision).toBe(m.revision);
        expect(r.compactRevision).toBe(m.compactRevision);
        for (let rev = Math.max(m.compactRevision, 1); rev <= m.revision; rev++)
          expect(all(r, rev)).toEqual(all(m, rev));
        expect(r.leaseLeases().leases).toEqual(m.leaseLeases().leases);
        expect(hashKV(r.snapshot(), 0)).toBe(hashKV(m.snapshot(), 0));
        // The snapshot of the restored store is the same file content.
        const h = (x: MvccMachine) =>
          hashBuckets(etcdBuckets(stateOf(x)), { consistentIndex: true });
        expect(h(r)).toBe(h(m));
      }),
      { numRuns: 150 },
    );
  });
});

describe('auth and alarms in the snapshot', () => {
  it('round-trip users, roles, permissions, the enabled flag and alarms', () => {
    const auth = AuthStore.restore({
      enabled: true,
      revision: 9,
      users: [
        ['alice', 'scrypt$14$8$1$c2FsdA==$aGFzaA==', false, ['reader', 'root']],
        ['bob', '', true, []],
        ['root', 'scrypt$14$8$1$c2FsdA==$aGFzaA==', false, ['root']],
      ],
      roles: [
        [
          'reader',
          [
            ['READ', b('a'), b('b')],
            ['READWRITE', b('k'), new Uint8Array(0)],
          ],
        ],
        ['root', []],
      ],
    }).snapshot();
    const alarms = [
      [5n, 'NOSPACE'],
      [0xffff_ffff_ffff_fff0n, 'CORRUPT'],
    ] as const;
    const m = MvccMachine.create();
    const file = writeBolt(etcdBuckets({ ...stateOf(m), auth, alarms }));
    const back = restoredState(readBolt(file));
    expect(back.auth).toEqual(auth);
    expect(back.alarms).toEqual(alarms);
    expect(AuthStore.restore(back.auth).snapshot()).toEqual(auth);
  });
});

describe('etcd snapshot content from an untrusted file', () => {
  const fileWith = (key: Uint8Array, value: Uint8Array) =>
    writeBolt([bucket('key', [{ key, value }]), bucket('meta', [])]);
  const rev = (main: number) => {
    const k = Buffer.alloc(17);
    k.writeBigUInt64BE(BigInt(main));
    k[8] = 0x5f;
    return k;
  };

  it('refuses bad revision keys, protobufs and inconsistent versions with typed errors', () => {
    const kv = Buffer.from('0a01611002180220012a0131', 'hex'); // a@2 create 2 version 1 "1"
    expect(() => restoredState(readBolt(fileWith(Buffer.from('short'), kv)))).toThrow(
      EtcdSnapshotError,
    );
    expect(() => restoredState(readBolt(fileWith(rev(2), Buffer.from([0x0a, 0x05]))))).toThrow(
      /malformed protobuf/,
    );
    expect(() => restoredState(readBolt(fileWith(rev(3), kv)))).toThrow(/mod_revision differs/);
    expect(restoredState(readBolt(fileWith(rev(2), kv))).mvcc.revision).toBe(2);
    // A version newer than its creation, or a key naming a missing lease: the machine's check.
    const leased = Buffer.from('0a01611002180220012a01313005', 'hex');
    expect(() =>
      MvccMachine.restore(restoredState(readBolt(fileWith(rev(2), leased))).mvcc),
    ).toThrow(/lease that does not exist/);
  });
});
