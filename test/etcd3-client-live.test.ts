// The etcd3 npm package (1.x, unmodified) against a real etcd 3.4 and Cohort's server (every
// kind in API_SERVERS): leases, watches, users and roles (its KV, transactions and STM:
// etcd3-client.test.ts). The cases run in order as one script on a fresh server, so every
// revision is asserted exactly from the script's own writes (support/etcd3-script.ts).
//
// Fault model: none injected; a lease left without keep-alives expires on the server's clock.

import {
  EtcdAuthenticationFailedError,
  EtcdLeaseInvalidError,
  EtcdPermissionDeniedError,
  Range,
} from 'etcd3';
import { describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS } from './support/api-servers.js';
import { etcd3Script, failure, kvText, record } from './support/etcd3-script.js';

describe.each(API_SERVERS)('the etcd3 npm client (leases, watches, auth) against $kind', (kind) => {
  const script = etcd3Script(kind);
  const { wrote, now } = script;

  it('leases: grant, put with a lease, keep-alive events, time-to-live, revoke, expiry', async () => {
    const lease = script.client.lease(3);
    const id = await lease.grant();
    expect(id).toMatch(/^[1-9][0-9]*$/);
    const succeeded: { ID: string; TTL: string }[] = [];
    lease.on('keepaliveSucceeded', (res) => succeeded.push({ ID: res.ID, TTL: res.TTL }));
    expect((await lease.put('lease/a').value('1')).header.revision).toBe(wrote());
    await lease.put('lease/b').value('2');
    wrote();
    expect((await script.client.get('lease/a').exec()).kvs[0]?.lease).toBe(id);
    // Keep-alives every TTL/3 s: after two the keys have outlived an unrenewed lease's 3 s.
    await until(() => succeeded.length >= 3, 'three keep-alive responses');
    expect(succeeded.slice(0, 3)).toEqual([
      { ID: id, TTL: '3' },
      { ID: id, TTL: '3' },
      { ID: id, TTL: '3' },
    ]);
    const ttl = await script.client.leaseClient.leaseTimeToLive({ ID: id, keys: true });
    expect([ttl.ID, ttl.grantedTTL, ttl.keys.map(String)]).toEqual([
      id,
      '3',
      ['lease/a', 'lease/b'],
    ]);
    const listed = await script.client.leaseClient.leaseLeases();
    expect(listed.leases.map((l) => l.ID)).toEqual([id]);

    const watcher = await script.client.watch().prefix('lease/').create();
    const seen = record(watcher);
    await lease.revoke();
    const revokedAt = wrote();
    await until(() => seen.length === 2, 'both keys deleted');
    expect(seen.map((s) => [s.type, s.kv?.key, s.kv?.mod])).toEqual([
      ['delete', 'lease/a', revokedAt],
      ['delete', 'lease/b', revokedAt],
    ]);
    expect(await script.client.getAll().prefix('lease/').count()).toBe(0);
    await expect(script.client.leaseClient.leaseRevoke({ ID: id })).rejects.toThrow(
      EtcdLeaseInvalidError,
    );
    const dead = await script.client.leaseClient.leaseTimeToLive({ ID: id, keys: false });
    expect([dead.TTL, dead.grantedTTL]).toEqual(['-1', '0']);

    // A lease nobody renews expires on the server's clock and takes its key with it.
    const lapsing = script.client.lease(1, { autoKeepAlive: false });
    const lapsingId = await lapsing.grant();
    expect(lapsingId).not.toBe(id);
    await lapsing.put('lease/short').value('soon gone');
    wrote();
    const putAt = now();
    await until(() => seen.length === 4, 'the expired lease to delete its key', 30_000);
    expect(seen.slice(2).map((s) => [s.type, s.kv?.key, s.kv?.mod])).toEqual([
      ['put', 'lease/short', putAt],
      ['delete', 'lease/short', wrote()],
    ]);
    const lost = await lapsing.keepaliveOnce().catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(EtcdLeaseInvalidError);
    await watcher.cancel();
    expect((await script.client.leaseClient.leaseLeases()).leases).toEqual([]);
  });

  it('watches: puts and deletes with previous values, start revision, filters, unwatch', async () => {
    const key = await script.client.watch().key('w/a').withPreviousKV().create();
    const prefix = await script.client.watch().prefix('w/').create();
    // only('delete') asks for etcd's NOPUT filter (1.1.2's ignore() is an alias of only()).
    const onlyDeletes = await script.client.watch().prefix('w/').only('delete').create();
    const [bySeen, prefixSeen, deletesSeen] = [record(key), record(prefix), record(onlyDeletes)];
    const first = Number(wrote());
    await script.client.put('w/a').value('1');
    await script.client.put('w/b').value('b');
    await script.client.put('w/a').value('2');
    await script.client.delete().key('w/a');
    wrote(3);
    await until(
      () => prefixSeen.length === 4 && bySeen.length === 3,
      'the watchers to see 4 events',
    );
    const kv = (value: string, mod: number, version: number) => ({
      key: 'w/a',
      value,
      create: String(first),
      mod: String(mod),
      version: String(version),
      lease: '0',
    });
    expect(bySeen).toEqual([
      { type: 'put', kv: kv('1', first, 1), prev: undefined },
      { type: 'put', kv: kv('2', first + 2, 2), prev: kv('1', first, 1) },
      {
        type: 'delete',
        kv: { key: 'w/a', value: '', create: '0', mod: now(), version: '0', lease: '0' },
        prev: kv('2', first + 2, 2),
      },
    ]);
    expect(prefixSeen.map((s) => [s.type, s.kv?.key, s.kv?.mod, s.prev])).toEqual([
      ['put', 'w/a', String(first), undefined],
      ['put', 'w/b', String(first + 1), undefined],
      ['put', 'w/a', String(first + 2), undefined],
      ['delete', 'w/a', String(first + 3), undefined],
    ]);
    await until(() => deletesSeen.length === 1, 'the delete-only watcher');
    expect(deletesSeen.map((s) => [s.type, s.kv?.key])).toEqual([['delete', 'w/a']]);
    // Where the package would resume after a reconnect: one past the last revision it saw.
    expect(String(key.lastRevision())).toBe(String(first + 4));

    // From a past revision: the history since then, in order, then what comes next.
    const past = await script.client
      .watch()
      .prefix('w/')
      .startRevision(String(first + 1))
      .create();
    const pastSeen = record(past);
    await until(() => pastSeen.length === 3, 'the catch-up from history');
    await key.cancel();
    await script.client.put('w/a').value('3');
    const last = wrote();
    await until(() => pastSeen.length === 4 && prefixSeen.length === 5, 'the next put');
    expect(pastSeen.map((s) => [s.type, s.kv?.key, s.kv?.mod])).toEqual([
      ['put', 'w/b', String(first + 1)],
      ['put', 'w/a', String(first + 2)],
      ['delete', 'w/a', String(first + 3)],
      ['put', 'w/a', last],
    ]);
    // The cancelled watcher saw nothing after its cancel (the others' put is the witness).
    expect(bySeen).toHaveLength(3);
    const future = await script.client
      .watch()
      .key('w/f')
      .startRevision(String(Number(now()) + 2))
      .create();
    const futureSeen = record(future);
    await script.client.put('w/f').value('not yet');
    await script.client.put('w/f').value('seen');
    wrote(2);
    await until(() => futureSeen.length === 1, 'the future watcher');
    expect([futureSeen[0]?.kv?.value, futureSeen[0]?.kv?.mod]).toEqual(['seen', now()]);
    for (const w of [prefix, onlyDeletes, past, future]) await w.cancel();
  });

  it('watches: a hundred watchers on one client each see every event once', async () => {
    const watchers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        script.client
          .watch()
          .key(`many/${i % 10}`)
          .create(),
      ),
    );
    const seen = watchers.map(record);
    for (let i = 0; i < 10; i++) await script.client.put(`many/${i}`).value(String(i));
    const first = Number(wrote(10)) - 9;
    await until(() => seen.every((s) => s.length === 1), 'every watcher to see its put');
    for (const [i, s] of seen.entries()) {
      expect([s[0]?.kv?.key, s[0]?.kv?.mod]).toEqual([`many/${i % 10}`, String(first + (i % 10))]);
    }
    await Promise.all(watchers.map((w) => w.cancel()));
    await script.client.delete().prefix('many/');
    wrote();
    expect(seen.every((s) => s.length === 1)).toBe(true);
  });

  it('users and roles: a user touches only its role’s range once auth is enabled', async () => {
    await script.client.user('root').create('root-pw');
    await script.client.user('root').addRole('root');
    const role = await script.client.role('app').create();
    await role.grant({ permission: 'Readwrite', range: Range.prefix('app/') });
    await role.grant({ permission: 'Read', key: 'shared' });
    const alice = await script.client.user('alice').create('alice-pw');
    await alice.addRole('app');
    expect((await script.client.getUsers()).map((u) => u.name)).toEqual(['alice', 'root']);
    expect((await script.client.getRoles()).map((r) => r.name)).toEqual(['app']);
    expect((await alice.roles()).map((r) => r.name)).toEqual(['app']);
    const perms = await role.permissions();
    expect(
      perms.map((p) => [p.permission, p.range.start.toString(), p.range.end.toString()]),
    ).toEqual([
      ['Readwrite', 'app/', 'app0'],
      ['Read', 'shared', ''],
    ]);
    await script.client.put('shared').value('s');
    wrote();
    const everyKey = await script.client.getAll().keys();
    await script.client.auth.authEnable();

    const asAlice = script.connect({ username: 'alice', password: 'alice-pw' });
    expect((await asAlice.put('app/x').value('1')).header.revision).toBe(wrote());
    expect(await asAlice.get('app/x').string()).toBe('1');
    expect(await asAlice.get('shared').string()).toBe('s');
    await expect(asAlice.put('shared').value('no')).rejects.toThrow(EtcdPermissionDeniedError);
    await expect(asAlice.get('kw').string()).rejects.toThrow(EtcdPermissionDeniedError);
    await expect(asAlice.getAll().prefix('app').keys()).rejects.toThrow(EtcdPermissionDeniedError);
    await expect(asAlice.delete().all()).rejects.toThrow(EtcdPermissionDeniedError);
    const wrong = script.connect({ username: 'alice', password: 'wrong' });
    await expect(wrong.get('app/x').string()).rejects.toThrow(EtcdAuthenticationFailedError);

    const asRoot = script.connect({ username: 'root', password: 'root-pw' });
    expect(await asRoot.getAll().keys()).toEqual([...everyKey, 'app/x'].sort());
    await asRoot.role('app').revoke({ permission: 'Readwrite', range: Range.prefix('app/') });
    await expect(asAlice.get('app/x').string()).rejects.toThrow(EtcdPermissionDeniedError);
    expect((await asRoot.put('app/x').value('2')).header.revision).toBe(wrote());
    await asRoot.auth.authDisable();
    expect(await script.client.get('app/x').string()).toBe('2');
  });
});
