// The server machine's cluster state and quota accounting, applied as Raft applies them
// (ServerMachine through its client sessions): published member attributes and alarms
// survive a snapshot through the codec; a NOSPACE alarm refuses exactly the writes that add
// data (etcd's capped applier) and CORRUPT every KV/lease write; the incrementally kept store
// size equals a fresh count after any mix of writes, and compaction shrinks it; commands from
// peers with a bad shape are refused.

import { describe, expect, it } from 'vitest';
import { roundTrip } from '../core/codec.js';
import { alarmText, type ClusterCommand } from './cluster-state.js';
import { commandShapeProblem } from './command-shape.js';
import { type ServerMachine, type ServerResult, serverMachineDef } from './machine.js';
import type { MvccCommand } from './mvcc/index.js';
import { ENTRY_OVERHEAD_BYTES, LEASE_BYTES, retainedKvBytes } from './space-quota.js';

const b = (s: string) => new Uint8Array(Buffer.from(s));
const LIMITS = { sessionTimeoutMs: 60_000, maxSessions: 1000 };

function fresh(): ServerMachine {
  const def = serverMachineDef();
  return def.restore(def.emptySnapshot, LIMITS);
}

let seq = 0;
function apply(m: ServerMachine, op: MvccCommand | ClusterCommand): ServerResult {
  seq += 1;
  const outcome = m.apply(1, seq, { type: 'machine', read: false, op }, 1000);
  if (outcome.kind !== 'applied') throw new Error(`not applied: ${outcome.kind}`);
  return outcome.result.value as ServerResult;
}

const put = (key: string, value: string): MvccCommand => ({
  type: 'put',
  request: { key: b(key), value: b(value) },
});
const alarm = (action: 'ACTIVATE' | 'DEACTIVATE', memberID: bigint, type = 'NOSPACE' as const) =>
  ({ type: 'alarm', request: { action, memberID, alarm: type } }) as ClusterCommand;

function errorOf(r: ServerResult): string | undefined {
  return r.ok ? undefined : r.error;
}

describe('server machine: cluster state', () => {
  it('admits one learner, promotes only a learner, and keeps learners through a snapshot', () => {
    seq = 0;
    const m = fresh();
    const seedOf = (ID: bigint, port: number) => ({
      ID,
      raftId: Number(ID),
      peerURLs: [`http://127.0.0.1:${port}`],
    });
    apply(m, { type: 'bootstrapMembers', request: { members: [seedOf(1n, 2380)] } });
    const add = (ID: bigint, port: number, isLearner: boolean) =>
      apply(m, { type: 'addMember', request: { ...seedOf(ID, port), isLearner } });
    const outcome = (r: ServerResult) => (r.ok ? r.response : r.error);
    expect(outcome(add(2n, 2381, true))).toMatchObject({ members: [{}, { isLearner: true }] });
    expect(outcome(add(3n, 2382, true))).toEqual({ error: 'tooManyLearners' });
    expect(outcome(add(3n, 2382, false))).toMatchObject({ members: [{}, {}, {}] });
    const promote = (ID: bigint) => outcome(apply(m, { type: 'promoteMember', request: { ID } }));
    expect(promote(3n)).toEqual({ error: 'memberNotLearner' });
    expect(promote(7n)).toEqual({ error: 'memberNotFound' });
    const def = serverMachineDef();
    const back = def.restore(roundTrip(m.snapshot()), LIMITS) as ServerMachine;
    expect(back.cluster.rosterMembers().map((x) => x.isLearner)).toEqual([false, true, false]);
    expect(promote(2n)).toMatchObject({ members: [{}, { isLearner: false }, {}] });
    expect(commandShapeProblem({ type: 'promoteMember', request: { ID: 'x' } })).toBeDefined();
  });

  it('keeps published member attributes and alarms through a snapshot', () => {
    seq = 0;
    const m = fresh();
    apply(m, {
      type: 'publishMember',
      request: { ID: 9n, name: 'm1', clientURLs: ['http://127.0.0.1:2379'] },
    });
    apply(m, { type: 'publishMember', request: { ID: 3n, name: 'm2', clientURLs: [] } });
    apply(m, {
      type: 'publishMember',
      request: { ID: 3n, name: 'm2', clientURLs: ['http://127.0.0.1:2381'] },
    });
    apply(m, alarm('ACTIVATE', 9n));
    apply(m, alarm('ACTIVATE', 2n));
    const def = serverMachineDef();
    const snapshot = roundTrip(m.snapshot());
    expect(def.isSnapshot(snapshot)).toBe(true);
    const back = def.restore(snapshot, LIMITS) as ServerMachine;
    expect(back.cluster.attributes(3n)).toEqual({
      name: 'm2',
      clientURLs: ['http://127.0.0.1:2381'],
    });
    expect(back.cluster.attributes(9n)?.clientURLs).toEqual(['http://127.0.0.1:2379']);
    expect(back.cluster.get('NONE')).toEqual([
      { memberID: 2n, alarm: 'NOSPACE' },
      { memberID: 9n, alarm: 'NOSPACE' },
    ]);
    const bad = { ...(snapshot as object), cluster: { members: [[1n, 'x', [5]]], alarms: [] } };
    expect(def.isSnapshot(bad)).toBe(false);
    const badAlarm = { ...(snapshot as object), cluster: { members: [], alarms: [[1n, 'FIRE']] } };
    expect(def.isSnapshot(badAlarm)).toBe(false);
  });

  it('answers Alarm as etcd: activate returns the (existing) alarm, deactivate what it removed', () => {
    seq = 0;
    const m = fresh();
    expect(apply(m, alarm('ACTIVATE', 5n))).toEqual({
      ok: true,
      response: { alarms: [{ memberID: 5n, alarm: 'NOSPACE' }] },
    });
    expect(apply(m, alarm('ACTIVATE', 5n))).toEqual({
      ok: true,
      response: { alarms: [{ memberID: 5n, alarm: 'NOSPACE' }] },
    });
    // A NONE alarm is stored (etcd does) but caps nothing.
    apply(m, { type: 'alarm', request: { action: 'ACTIVATE', memberID: 4n, alarm: 'NONE' } });
    expect(m.read({ type: 'alarmGet', request: { alarm: 'NONE' } })).toEqual({
      ok: true,
      response: {
        alarms: [
          { memberID: 4n, alarm: 'NONE' },
          { memberID: 5n, alarm: 'NOSPACE' },
        ],
      },
    });
    expect(m.read({ type: 'alarmGet', request: { alarm: 'NOSPACE' } })).toEqual({
      ok: true,
      response: { alarms: [{ memberID: 5n, alarm: 'NOSPACE' }] },
    });
    expect(apply(m, alarm('DEACTIVATE', 6n))).toEqual({ ok: true, response: { alarms: [] } });
    expect(apply(m, alarm('DEACTIVATE', 5n))).toEqual({
      ok: true,
      response: { alarms: [{ memberID: 5n, alarm: 'NOSPACE' }] },
    });
    expect(m.cluster.has('NOSPACE')).toBe(false);
    expect(errorOf(apply(m, put('a', '1')))).toBeUndefined();
  });

  it('refuses writes that add data while NOSPACE is raised; deletes and compaction still work', () => {
    seq = 0;
    const m = fresh();
    apply(m, put('a', '1'));
    apply(m, put('b', '2'));
    apply(m, alarm('ACTIVATE', 1n));
    const nested: MvccCommand = {
      type: 'txn',
      request: { success: [{ requestTxn: { failure: [{ requestPut: { key: b('c') } }] } }] },
    };
    expect(errorOf(apply(m, put('c', '3')))).toBe('noSpace');
    expect(errorOf(apply(m, nested))).toBe('noSpace');
    expect(
      errorOf(apply(m, { type: 'leaseGrant', request: { TTL: 10, ID: 7n }, nowMs: 1000 })),
    ).toBe('noSpace');
    const readOnly: MvccCommand = {
      type: 'txn',
      request: { success: [{ requestDeleteRange: { key: b('b') } }] },
    };
    expect(errorOf(apply(m, readOnly))).toBeUndefined();
    expect(errorOf(apply(m, { type: 'deleteRange', request: { key: b('a') } }))).toBeUndefined();
    expect(errorOf(apply(m, { type: 'compact', request: { revision: 4 } }))).toBeUndefined();
    expect(m.mvcc.revision).toBe(5);
    apply(m, alarm('DEACTIVATE', 1n));
    expect(errorOf(apply(m, put('c', '3')))).toBeUndefined();
  });

  it('refuses every KV and lease write while CORRUPT is raised', () => {
    seq = 0;
    const m = fresh();
    apply(m, put('a', '1'));
    apply(m, { type: 'alarm', request: { action: 'ACTIVATE', memberID: 1n, alarm: 'CORRUPT' } });
    expect(errorOf(apply(m, { type: 'deleteRange', request: { key: b('a') } }))).toBe('corrupt');
    expect(errorOf(apply(m, { type: 'compact', request: { revision: 2 } }))).toBe('corrupt');
    expect(m.read({ type: 'range', request: { key: b('a') } }).ok).toBe(true);
  });

  it('keeps the store size equal to a fresh count, and compaction shrinks it', () => {
    seq = 0;
    const m = fresh();
    expect(m.storeBytes).toBe(0);
    apply(m, put('key', 'value'));
    expect(m.storeBytes).toBe(3 + 5 + ENTRY_OVERHEAD_BYTES);
    for (let i = 0; i < 200; i++) {
      const key = `k${i % 17}`;
      if (i % 5 === 3) apply(m, { type: 'deleteRange', request: { key: b(key) } });
      else if (i % 7 === 2)
        apply(m, {
          type: 'txn',
          request: {
            success: [
              { requestPut: { key: b(`t${i}`), value: b('x'.repeat(i)) } },
              { requestDeleteRange: { key: b('k'), rangeEnd: b('k5') } },
            ],
          },
        });
      else apply(m, put(key, 'v'.repeat(i)));
    }
    apply(m, { type: 'leaseGrant', request: { TTL: 10, ID: 7n }, nowMs: 1000 });
    const counted = retainedKvBytes(m.mvcc);
    expect(m.storeBytes).toBe(counted + LEASE_BYTES);
    apply(m, { type: 'compact', request: { revision: m.mvcc.revision } });
    expect(retainedKvBytes(m.mvcc)).toBeLessThan(counted);
    expect(m.storeBytes).toBe(retainedKvBytes(m.mvcc) + LEASE_BYTES);
    const def = serverMachineDef();
    const back = def.restore(roundTrip(m.snapshot()), LIMITS) as ServerMachine;
    expect(back.storeBytes).toBe(m.storeBytes);
  });

  it('counts a compaction of few recent writes over many keys by those keys alone', () => {
    seq = 0;
    const m = fresh();
    for (let i = 0; i < 100; i++) apply(m, put(`k${i}`, 'x'.repeat(i)));
    apply(m, { type: 'compact', request: { revision: 50 } });
    for (let round = 0; round < 3; round++) {
      apply(m, put('k3', 'new'));
      apply(m, { type: 'deleteRange', request: { key: b('k7') } });
      apply(m, put(`k${90 + round}`, 'yy'));
      expect(m.storeBytes).toBe(retainedKvBytes(m.mvcc));
      const before = m.storeBytes;
      apply(m, { type: 'compact', request: { revision: m.mvcc.revision - round } });
      expect(m.storeBytes).toBe(retainedKvBytes(m.mvcc));
      if (round === 0) expect(m.storeBytes).toBeLessThan(before);
    }
    // A compaction that fails changes nothing.
    expect(errorOf(apply(m, { type: 'compact', request: { revision: 2 } }))).toBe('compacted');
    expect(m.storeBytes).toBe(retainedKvBytes(m.mvcc));
  });

  it('refuses malformed cluster commands from peers', () => {
    expect(commandShapeProblem(alarm('ACTIVATE', 1n))).toBeUndefined();
    expect(
      commandShapeProblem({
        type: 'alarm',
        request: { action: 'GET', memberID: 1n, alarm: 'NONE' },
      }),
    ).toBe('malformed alarm command');
    expect(
      commandShapeProblem({
        type: 'publishMember',
        request: { ID: 1, name: 'x', clientURLs: [] },
      }),
    ).toBe('malformed publishMember command');
    expect(commandShapeProblem({ type: 'alarmGet', request: { alarm: 'FIRE' } })).toBe(
      'malformed alarmGet command',
    );
  });

  it('prints alarms as etcd’s AlarmMember.String()', () => {
    expect(alarmText({ memberID: 9829954754940738069n, alarm: 'NOSPACE' })).toBe(
      'memberID:9829954754940738069 alarm:NOSPACE ',
    );
    expect(alarmText({ memberID: 5n, alarm: 'NONE' })).toBe('memberID:5 ');
  });
});
