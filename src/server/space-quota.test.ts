// The backend quota over a real server machine: a write is refused once the store's size
// plus its cost reaches the quota (etcd's Available: size + cost < quota), the member raises
// NOSPACE for itself once (not again while its alarm stands), writes that add nothing pass,
// and after applied writes fill the store only the leader raises it, only if none is raised.

import { describe, expect, it } from 'vitest';
import { EtcdError } from './errors.js';
import { type ServerMachine, serverMachineDef } from './machine.js';
import type { MvccCommand } from './mvcc/index.js';
import {
  DEFAULT_QUOTA_BYTES,
  ENTRY_OVERHEAD_BYTES,
  quotaBytesOf,
  requestCost,
  SpaceQuota,
} from './space-quota.js';

const b = (s: string) => new Uint8Array(Buffer.from(s));
const put = (key: string, value: string): MvccCommand => ({
  type: 'put',
  request: { key: b(key), value: b(value) },
});

function setUp(quotaBytes: number) {
  const def = serverMachineDef();
  const machine = def.restore(def.emptySnapshot, {
    sessionTimeoutMs: 60_000,
    maxSessions: 100,
  }) as ServerMachine;
  let seq = 0;
  const apply = (op: unknown) => machine.apply(1, ++seq, { type: 'machine', read: false, op }, 0);
  const raised: string[] = [];
  const state = { leader: true };
  const quota = new SpaceQuota(quotaBytes, {
    memberId: 7n,
    storeBytes: () => machine.storeBytes,
    hasNoSpace: (id) =>
      machine.cluster.get('NOSPACE').some((a) => id === undefined || a.memberID === id),
    isLeader: () => state.leader,
    activate: async () => {
      raised.push('NOSPACE');
      apply({ type: 'alarm', request: { action: 'ACTIVATE', memberID: 7n, alarm: 'NOSPACE' } });
    },
  });
  return { machine, apply, quota, raised, state };
}

describe('space quota', () => {
  it('takes etcd’s flag: 0 is 2 GiB, negative is off', () => {
    expect(quotaBytesOf(0)).toBe(DEFAULT_QUOTA_BYTES);
    expect(quotaBytesOf(-1)).toBeUndefined();
    expect(quotaBytesOf(1000)).toBe(1000);
  });

  it('costs puts, txns (the larger branch, nested puts included) and lease grants', () => {
    expect(requestCost(put('ab', 'xyz'))).toBe(5 + ENTRY_OVERHEAD_BYTES);
    const txn: MvccCommand = {
      type: 'txn',
      request: {
        success: [{ requestPut: { key: b('a'), value: b('1') } }],
        failure: [{ requestTxn: { success: [{ requestPut: { key: b('bb'), value: b('22') } }] } }],
      },
    };
    expect(requestCost(txn)).toBe(4 + ENTRY_OVERHEAD_BYTES);
    expect(requestCost({ type: 'deleteRange', request: { key: b('a') } })).toBe(0);
  });

  it('refuses a write that would not fit and raises NOSPACE once', async () => {
    const one = 1 + 100 + ENTRY_OVERHEAD_BYTES;
    const { machine, apply, quota, raised } = setUp(3 * one);
    for (const k of ['a', 'b']) {
      await quota.check(put(k, 'x'.repeat(100)));
      apply(put(k, 'x'.repeat(100)));
    }
    expect(machine.storeBytes).toBe(2 * one);
    // 2 × one + one is not < 3 × one: refused, once the alarm is raised.
    await expect(quota.check(put('c', 'x'.repeat(100)))).rejects.toThrow(EtcdError);
    expect(raised).toEqual(['NOSPACE']);
    expect(machine.cluster.has('NOSPACE')).toBe(true);
    await expect(quota.check(put('c', 'x'.repeat(99)))).resolves.toBeUndefined();
    await expect(quota.check(put('d', 'x'.repeat(100)))).rejects.toThrow('database space exceeded');
    expect(raised).toEqual(['NOSPACE']); // its alarm stands: not raised again
    await expect(
      quota.check({ type: 'deleteRange', request: { key: b('a') } }),
    ).resolves.toBeUndefined();
  });

  it('after applied writes fill the store, the leader raises NOSPACE if nobody has', async () => {
    const { apply, quota, raised, state } = setUp(100);
    apply(put('a', 'x'.repeat(200)));
    state.leader = false;
    quota.afterApply();
    await Promise.resolve();
    expect(raised).toEqual([]);
    state.leader = true;
    quota.afterApply();
    await Promise.resolve();
    expect(raised).toEqual(['NOSPACE']);
    quota.afterApply();
    await Promise.resolve();
    expect(raised).toEqual(['NOSPACE']);
  });

  it('does nothing when the quota is off', async () => {
    const off = new SpaceQuota(undefined, {
      memberId: 1n,
      storeBytes: () => Number.MAX_SAFE_INTEGER,
      hasNoSpace: () => false,
      isLeader: () => true,
      activate: async () => {
        throw new Error('must not raise');
      },
    });
    await expect(off.check(put('a', 'b'))).resolves.toBeUndefined();
    off.afterApply();
  });
});
