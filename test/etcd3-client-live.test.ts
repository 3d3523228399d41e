// The etcd3 npm package (1.x, unmodified) against a real etcd 3.4 and Cohort's server (every
// kind in API_SERVERS): leases, watches, users and roles (its KV, transactions and STM:
// etcd3-client.test.ts). The cases run in order as one script on a fresh server, so every
// revision is asserted exactly from the script's own writes (support/etcd3-script.ts).
//
// Fault model: one restart of the server (SIGTERM) under a watcher; a lease left without
// keep-alives expires on the server's clock.

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
    // etcd 3.4 lists a lease's keys in Go map order: compared as a set.
    expect([ttl.ID, ttl.grantedTTL, ttl.keys.map(String).sort()]).toEqual([
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

  it('leases: chosen ids beyond 2^53, ignoreLease, a lease revoked elsewhere is lost', async () => {
    const c = script.client;
    const big = '1311768467463790320';
    const granted = await c.leaseClient.leaseGrant({ TTL: 30, ID: big });
    expect([granted.ID, granted.TTL, granted.header.revision]).toEqual([big, '30', now()]);
    expect(await failure(c.leaseClient.leaseGrant({ TTL: 30, ID: big }))).toEqual([
      'GRPCFailedPreconditionError',
      '9 FAILED_PRECONDITION: etcdserver: lease already exists',
    ]);
    await c.put('lease/big').value('1').lease(big);
    const ignoring = await c.put('lease/big').value('2').ignoreLease();
    expect(ignoring.header.revision).toBe(wrote(2));
    expect(kvText((await c.get('lease/big').exec()).kvs[0])).toMatchObject({
      value: '2',
      version: '2',
      lease: big,
    });
    const once = await c.leaseClient.leaseTimeToLive({ ID: big, keys: true });
    expect([once.grantedTTL, once.keys.map(String)]).toEqual(['30', ['lease/big']]);
    expect(Number(once.TTL)).toBeGreaterThan(0);
    expect(Number(once.TTL)).toBeLessThanOrEqual(30);

    const kept = c.lease(6);
    const keptId = await kept.grant();
    const lost = new Promise<[string, string]>((resolve) =>
      kept.on('lost', (e) => resolve([e.constructor.name, e.message])),
    );
    await kept.put('lease/kept').value('k');
    wrote();
    await c.leaseClient.leaseRevoke({ ID: keptId });
    wrote();
    // The next keep-alive finds it gone (TTL 0) and the package reports the lease lost.
    expect(await lost).toEqual(['EtcdLeaseInvalidError', `Lease ${keptId} is expired or revoked`]);
    await c.leaseClient.leaseRevoke({ ID: big });
    expect(await c.getAll().prefix('lease/').count()).toBe(0);
    expect((await c.get('lease/big').exec()).header.revision).toBe(wrote());
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

  it('watches: a transaction’s writes in one response, namespaced watchers, ranges', async () => {
    const c = script.client;
    const app = c.namespace('wapp/');
    const ranged = await c.watch().inRange({ start: 'wt/b', end: 'wt/d' }).create();
    const scoped = await app.watch().prefix('').withPreviousKV().create();
    const responses: { revision: string; events: [string, string, string][] }[] = [];
    ranged.on('data', (res) =>
      responses.push({
        revision: res.header.revision,
        events: res.events.map((e) => [e.type, e.kv.key.toString(), e.kv.mod_revision]),
      }),
    );
    const scopedSeen = record(scoped);
    const txn = await c
      .if('wt/a', 'Version', '==', 0)
      .then(c.put('wt/a'), c.put('wt/b'), c.put('wt/c').value('c'), c.put('wt/d'))
      .commit();
    const at = wrote();
    expect(txn.header.revision).toBe(at);
    await c.delete().inRange({ start: 'wt/', end: 'wt0' });
    const deletedAt = wrote();
    await app.put('x').value('1');
    await app.put('x').value('2');
    wrote(2);
    await until(() => responses.length === 2 && scopedSeen.length === 2, 'both watchers');
    expect(responses).toEqual([
      {
        revision: at,
        events: [
          ['Put', 'wt/b', at],
          ['Put', 'wt/c', at],
        ],
      },
      {
        revision: deletedAt,
        events: [
          ['Delete', 'wt/b', deletedAt],
          ['Delete', 'wt/c', deletedAt],
        ],
      },
    ]);
    // The package strips the namespace from watched keys (and previous ones).
    expect(scopedSeen.map((e) => [e.type, e.kv?.key, e.kv?.value, e.prev?.key])).toEqual([
      ['put', 'x', '1', undefined],
      ['put', 'x', '2', 'x'],
    ]);
    await Promise.all([ranged.cancel(), scoped.cancel()]);
    await app.delete().all();
    wrote();
  });

  it('watches: a watcher resumes after the server restarts, missing and repeating nothing', async () => {
    const watcher = await script.client.watch().prefix('r/').create();
    const seen = record(watcher);
    await script.client.put('r/a').value('1');
    const before = wrote();
    await until(() => seen.length === 1, 'the put before the restart');
    await script.server.restartMember(0);
    // A fresh client writes: the package's own channel reconnects on its own schedule.
    const fresh = script.connect();
    await fresh.put('r/b').value('2');
    const after = wrote();
    await until(() => seen.length === 2, 'the watcher to resume', 60_000);
    expect(seen.map((e) => [e.type, e.kv?.key, e.kv?.mod])).toEqual([
      ['put', 'r/a', before],
      ['put', 'r/b', after],
    ]);
    expect(String(watcher.lastRevision())).toBe(String(Number(after) + 1));
    await watcher.cancel();
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

  it('users and roles: etcd’s errors, a user’s watch, a new password ends the old token', async () => {
    const c = script.client;
    expect(await failure(c.user('alice').create('again'))).toEqual([
      'EtcdUserExistsError',
      '9 FAILED_PRECONDITION: etcdserver: user name already exists',
    ]);
    expect(await failure(c.role('app').create())).toEqual([
      'EtcdRoleExistsError',
      '9 FAILED_PRECONDITION: etcdserver: role name already exists',
    ]);
    expect(await failure(c.user('nobody').addRole('app'))).toEqual([
      'EtcdUserNotFoundError',
      '9 FAILED_PRECONDITION: etcdserver: user name not found',
    ]);
    expect(await failure(c.user('alice').addRole('nope'))).toEqual([
      'EtcdRoleNotFoundError',
      '9 FAILED_PRECONDITION: etcdserver: role name not found',
    ]);
    expect(await failure(c.user('alice').removeRole('root'))).toEqual([
      'EtcdRoleNotGrantedError',
      '9 FAILED_PRECONDITION: etcdserver: role is not granted to the user',
    ]);
    await c.role('app').grant({ permission: 'Readwrite', range: Range.prefix('app/') });
    await c.auth.authEnable();
    expect(await failure(c.get('app/x').string())).toEqual([
      'GRPCInvalidArgumentError',
      '3 INVALID_ARGUMENT: etcdserver: user name is empty',
    ]);

    const asAlice = script.connect({ username: 'alice', password: 'alice-pw' });
    const asRoot = script.connect({ username: 'root', password: 'root-pw' });
    const mine = await asAlice.watch().prefix('app/').withPreviousKV().create();
    const seen = record(mine);
    await asRoot.put('app/x').value('3');
    await until(() => seen.length === 1, 'alice’s watch to see root’s put');
    expect([seen[0]?.kv?.value, seen[0]?.kv?.mod, seen[0]?.prev?.value]).toEqual([
      '3',
      wrote(),
      '2',
    ]);
    const lease = asAlice.lease(10, { autoKeepAlive: false });
    expect((await lease.put('app/leased').value('l')).header.revision).toBe(wrote());
    await lease.revoke();
    wrote();

    await asRoot.user('alice').setPassword('alice-new');
    expect(await failure(asAlice.get('app/x').string())).toEqual([
      'EtcdAuthenticationFailedError',
      '3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password',
    ]);
    const renewed = script.connect({ username: 'alice', password: 'alice-new' });
    expect(await renewed.get('app/x').string()).toBe('3');
    await mine.cancel();
    await asRoot.auth.authDisable();
    expect(await c.getAll().prefix('app/').keys()).toEqual(['app/x']);
  });

  it('users and roles: a watch outside the user’s range is refused with etcd’s reason', async () => {
    await script.client.auth.authEnable();
    const asRoot = script.connect({ username: 'root', password: 'root-pw' });
    try {
      const asAlice = script.connect({ username: 'alice', password: 'alice-new' });
      const refused = asAlice.watch().prefix('secret/').create();
      // etcd 3.4 puts the gRPC status error's Go text in cancel_reason (the package shows it).
      expect(await failure(refused)).toEqual([
        'EtcdPermissionDeniedError',
        'Watcher canceled: rpc error: code = PermissionDenied desc = etcdserver: permission denied',
      ]);
      const anonymous = script.client.watch().prefix('app/').create();
      expect(await failure(anonymous)).toEqual([
        'EtcdError',
        'Watcher canceled: rpc error: code = InvalidArgument desc = etcdserver: user name is empty',
      ]);
    } finally {
      await asRoot.auth.authDisable();
    }
  });
});
