// Watch support and fingerprints: events from history for watchers that start in the past
// (with prev_kv, a compacted start refused, a start at the compact revision served in full,
// tombstones included), HashKV's agreement and errors, and snapshots that survive the codec.

import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../core/codec.js';
import { MvccMachine } from './machine.js';
import { SnapshotError } from './snapshot.js';
import { b, evt, kindOf } from './test-helpers.js';

function history(): MvccMachine {
  const m = MvccMachine.create();
  m.put({ key: b('a'), value: b('1') }); // 2
  m.put({ key: b('b'), value: b('1') }); // 3
  m.put({ key: b('a'), value: b('2') }); // 4
  m.txn({ success: [{ requestDeleteRange: { key: b('a') } }, { requestPut: { key: b('c') } }] }); // 5
  m.put({ key: b('b'), value: b('2') }); // 6
  return m;
}

describe('events from history', () => {
  it('returns every change in [from, to] in revision order with prev_kv', () => {
    const m = history();
    expect(m.events(4, 5).map(evt)).toEqual([
      ['PUT', ['a', '2', 2, 4, 2, 0n], ['a', '1', 2, 2, 1, 0n]],
      ['DELETE', ['a', '', 0, 5, 0, 0n], ['a', '2', 2, 4, 2, 0n]],
      ['PUT', ['c', '', 5, 5, 1, 0n], undefined],
    ]);
    expect(m.events(1).map((e) => e.kv.modRevision)).toEqual([2, 3, 4, 5, 5, 6]);
    expect(m.events(7)).toEqual([]); // A watch on the future waits for new writes.
  });

  it('refuses a start before the compact revision and serves one at it in full', () => {
    const m = history();
    m.compact({ revision: 5 });
    expect(kindOf(() => m.events(4))).toBe('compacted');
    // Revision 5 deleted a: the tombstone is kept for a watcher starting exactly there. Its
    // prev_kv (at 4) is compacted away, as etcd would fail that read.
    expect(m.events(5).map(evt)).toEqual([
      ['DELETE', ['a', '', 0, 5, 0, 0n], undefined],
      ['PUT', ['c', '', 5, 5, 1, 0n], undefined],
      ['PUT', ['b', '2', 3, 6, 2, 0n], ['b', '1', 3, 3, 1, 0n]],
    ]);
    m.compact({ revision: 6 });
    // Now the tombstone and a itself are gone.
    expect(m.events(6).map((e) => e.type)).toEqual(['PUT']);
    expect(m.store.tree.has('a')).toBe(false);
  });
});

describe('HashKV', () => {
  it('agrees between machines with the same history and differs after a change', () => {
    const one = history();
    const two = history();
    expect(one.hashKV(0)).toEqual(two.hashKV(0));
    expect(one.hashKV(4).hash).toBe(two.hashKV(4).hash);
    expect(one.hashKV(4).hash).not.toBe(one.hashKV(5).hash);
    two.put({ key: b('x'), value: b('y') });
    expect(two.hashKV(6).hash).toBe(one.hashKV(6).hash); // Revision 7 is not hashed at 6.
    expect(two.hashKV(0).hash).not.toBe(one.hashKV(0).hash);
    expect(one.hashKV(0)).toMatchObject({ header: { revision: 6 }, compactRevision: -1 });
  });

  it('refuses compacted and future revisions as etcd does', () => {
    const m = history();
    m.compact({ revision: 4 });
    expect(kindOf(() => m.hashKV(4))).toBe('compacted'); // etcd: rev ≤ compact revision.
    expect(kindOf(() => m.hashKV(7))).toBe('futureRev');
    expect(m.hashKV(5).compactRevision).toBe(4);
  });
});

describe('snapshots', () => {
  it('survive the codec and restore to an identical machine', () => {
    const m = history();
    m.leaseGrant({ ID: 2n ** 62n, TTL: 10 }, 1_000);
    m.put({ key: b('leased\u00ff'), value: b('\u0000\u00ff'), lease: 2n ** 62n }); // 7
    m.compact({ revision: 5 });
    const snap = m.snapshot();
    const copy = MvccMachine.restore(decode(encode(snap)));
    expect(copy.snapshot()).toEqual(snap);
    expect(copy.revision).toBe(7);
    expect(copy.compactRevision).toBe(5);
    expect(copy.hashKV(0)).toEqual(m.hashKV(0));
    expect(copy.events(5).map(evt)).toEqual(m.events(5).map(evt));
    expect(copy.leaseTimeToLive({ ID: 2n ** 62n, keys: true }, 2_000)).toEqual(
      m.leaseTimeToLive({ ID: 2n ** 62n, keys: true }, 2_000),
    );
    // The lease's keys came back: revoking deletes the same key at the same revision.
    expect(copy.leaseRevoke({ ID: 2n ** 62n }).events.map(evt)).toEqual(
      m.leaseRevoke({ ID: 2n ** 62n }).events.map(evt),
    );
  });

  it('rejects an inconsistent snapshot', () => {
    const snap = history().snapshot();
    const bad = [
      { ...snap, format: 'other' },
      { ...snap, entryCounts: snap.entryCounts.slice(1) },
      { ...snap, versions: snap.versions.map(() => 1.5) },
      { ...snap, keyBytes: new Uint8Array([...snap.keyBytes].reverse()) },
      { ...snap, modRevisions: snap.modRevisions.map(() => 99) },
      { ...snap, leases: snap.leases.map(() => 5n) },
      // A tombstone with a create revision (its entry would not keep the field: see makeEntry).
      { ...snap, createRevisions: snap.createRevisions.map((c) => (c === 0 ? 1 : c)) },
    ];
    expect(snap.versions).toContain(0);
    for (const s of bad) {
      expect(() => MvccMachine.restore(s as typeof snap)).toThrow(SnapshotError);
    }
  });
});
