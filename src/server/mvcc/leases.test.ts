// Leases in the replicated machine: grant with the proposer's id and the minimum TTL,
// attach by put, detach by overwrite or delete, revoke deleting every attached key at one
// revision, keep-alive and time-to-live on the log clock, list, and the expired set the
// leader revokes. Ids beyond 2^53 stay exact (bigint).

import { describe, expect, it } from 'vitest';
import { applyCommand } from './commands.js';
import { MvccMachine } from './machine.js';
import { b, evt, kindOf, s } from './test-helpers.js';

const BIG = 2n ** 62n + 12345n; // Not representable as a JS number.

describe('leases', () => {
  it('grants with the given id, raising the TTL to the minimum', () => {
    const m = MvccMachine.create({ minLeaseTtlSeconds: 5 });
    const g = m.leaseGrant({ ID: BIG, TTL: 1 }, 1_000);
    expect(g).toEqual({ header: { revision: 1 }, ID: BIG, TTL: 5, error: '' });
    expect(m.leaseGrant({ ID: 7n, TTL: 60 }, 1_000).TTL).toBe(60);
    expect(kindOf(() => m.leaseGrant({ ID: BIG, TTL: 10 }, 2_000))).toBe('leaseExist');
    expect(kindOf(() => m.leaseGrant({ ID: 0n, TTL: 10 }, 2_000))).toBe('leaseNotFound');
    expect(kindOf(() => m.leaseGrant({ ID: 9n, TTL: 9_000_000_001 }, 0))).toBe('leaseTtlTooLarge');
    expect(m.revision).toBe(1); // Granting writes no key.
    expect(m.leaseLeases().leases).toEqual([{ ID: BIG }, { ID: 7n }]); // By expiry: 6 s, 61 s.
  });

  it('revokes every attached key at one revision, in key order', () => {
    const m = MvccMachine.create();
    m.leaseGrant({ ID: BIG, TTL: 10 }, 0);
    m.put({ key: b('z'), value: b('1'), lease: BIG }); // 2
    m.put({ key: b('a'), value: b('2'), lease: BIG }); // 3
    m.put({ key: b('free'), value: b('3') }); // 4
    const ttl = m.leaseTimeToLive({ ID: BIG, keys: true }, 2_500);
    expect({ ...ttl, keys: ttl.keys.map(s) }).toEqual({
      header: { revision: 4 },
      ID: BIG,
      TTL: 7, // 7.5 s left, truncated as etcd does.
      grantedTTL: 10,
      keys: ['a', 'z'],
    });
    const r = m.leaseRevoke({ ID: BIG });
    expect(r.response.header.revision).toBe(5);
    expect(r.events.map(evt)).toEqual([
      ['DELETE', ['a', '', 0, 5, 0, 0n], ['a', '2', 3, 3, 1, BIG]],
      ['DELETE', ['z', '', 0, 5, 0, 0n], ['z', '1', 2, 2, 1, BIG]],
    ]);
    expect(m.range({ key: b('\0'), rangeEnd: b('\0') }).kvs.map((kv) => s(kv.key))).toEqual([
      'free',
    ]);
    expect(kindOf(() => m.leaseRevoke({ ID: BIG }))).toBe('leaseNotFound');
    expect(m.leaseTimeToLive({ ID: BIG }, 3_000)).toMatchObject({ TTL: -1, grantedTTL: 0 });
    // A lease with no keys revokes without a revision.
    m.leaseGrant({ ID: 3n, TTL: 10 }, 0);
    expect(m.leaseRevoke({ ID: 3n }).response.header.revision).toBe(5);
  });

  it('detaches a key overwritten without the lease or deleted', () => {
    const m = MvccMachine.create();
    m.leaseGrant({ ID: 1n, TTL: 10 }, 0);
    m.leaseGrant({ ID: 2n, TTL: 10 }, 0);
    m.put({ key: b('a'), value: b('1'), lease: 1n });
    m.put({ key: b('b'), value: b('1'), lease: 1n });
    m.put({ key: b('c'), value: b('1'), lease: 1n });
    m.put({ key: b('a'), value: b('2') }); // No lease now.
    m.put({ key: b('b'), value: b('2'), lease: 2n }); // Moved to lease 2.
    m.deleteRange({ key: b('c') });
    expect(m.leaseTimeToLive({ ID: 1n, keys: true }, 0).keys).toEqual([]);
    expect(m.leaseTimeToLive({ ID: 2n, keys: true }, 0).keys.map(s)).toEqual(['b']);
    // ignore_lease keeps the key's lease.
    m.put({ key: b('b'), value: b('3'), ignoreLease: true });
    expect(m.range({ key: b('b') }).kvs[0]?.lease).toBe(2n);
    const before = m.revision;
    expect(m.leaseRevoke({ ID: 1n }).events).toEqual([]);
    expect(m.revision).toBe(before);
  });

  it('keeps alive on the log clock and lists the expired for the leader', () => {
    const m = MvccMachine.create();
    m.leaseGrant({ ID: 1n, TTL: 10 }, 0); // Expires at 10 s.
    m.leaseGrant({ ID: 2n, TTL: 5 }, 0); // Expires at 5 s.
    expect(m.expiredLeases(4_999)).toEqual([]);
    expect(m.expiredLeases(5_000)).toEqual([2n]);
    expect(m.leaseKeepAlive({ ID: 1n }, 8_000)).toEqual({
      header: { revision: 1 },
      ID: 1n,
      TTL: 10,
    }); // Now expires at 18 s.
    expect(m.expiredLeases(12_000)).toEqual([2n]);
    expect(m.expiredLeases(18_000)).toEqual([2n, 1n]); // Soonest first.
    expect(m.expiredLeases(18_000, 1)).toEqual([2n]);
    // An expired lease cannot be renewed back to life; an unknown one is not found.
    expect(kindOf(() => m.leaseKeepAlive({ ID: 2n }, 6_000))).toBe('leaseNotFound');
    expect(kindOf(() => m.leaseKeepAlive({ ID: 42n }, 6_000))).toBe('leaseNotFound');
    // Remaining TTL past expiry is negative, truncated toward zero as Go does.
    expect(m.leaseTimeToLive({ ID: 2n }, 7_500).TTL).toBe(-2);
  });

  it('applies lease commands through applyCommand with errors as values', () => {
    const m = MvccMachine.create();
    const granted = applyCommand(m, {
      type: 'leaseGrant',
      request: { ID: BIG, TTL: 30 },
      nowMs: 100,
    });
    expect(granted).toMatchObject({ ok: true, response: { ID: BIG, TTL: 30 } });
    const again = applyCommand(m, { type: 'leaseGrant', request: { ID: BIG, TTL: 30 }, nowMs: 1 });
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error.message).toBe('etcdserver: lease already exists');
      expect(again.error.code).toBe('FAILED_PRECONDITION');
    }
    const put = applyCommand(m, {
      type: 'put',
      request: { key: b('k'), value: b('v'), lease: BIG },
    });
    expect(put.ok && put.events.length).toBe(1);
    const revoked = applyCommand(m, { type: 'leaseRevoke', request: { ID: BIG } });
    expect(revoked).toMatchObject({ ok: true, response: { header: { revision: 3 } } });
  });
});
