// The etcd3 npm package (1.x, unmodified) against a real etcd 3.4 and Cohort's server (every
// kind in API_SERVERS): KV, namespaces, transactions, leases, watches, STM and users/roles
// (its locks and elections: lock-election-clients.test.ts). Each kind gets a fresh
// single-member server and the cases run in order as one script, so every revision the
// package reports is asserted exactly: `rev` is what the script's own writes make it (an
// empty store is at 1, each write adds 1, a write that changes nothing adds none), never a
// value read from one of the servers.
//
// Fault model: none injected; a lease left without keep-alives expires on the server's clock.

import {
  Etcd3,
  EtcdAuthenticationFailedError,
  EtcdLeaseInvalidError,
  EtcdPermissionDeniedError,
  type IKeyValue,
  type Isolation,
  Range,
  type Watcher,
} from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';

/** The package's STM isolation levels (a const enum, which esbuild cannot import). */
const ISOLATION = {
  serializableSnapshot: 0 as Isolation,
  serializable: 1 as Isolation,
  repeatableReads: 2 as Isolation,
  readCommitted: 3 as Isolation,
} as const;

/** What a test compares of a key-value: everything but the bytes' type. */
const kvText = (kv: IKeyValue | null | undefined) =>
  kv == null
    ? undefined
    : {
        key: kv.key.toString(),
        value: kv.value.toString(),
        create: kv.create_revision,
        mod: kv.mod_revision,
        version: kv.version,
        lease: kv.lease,
      };

interface Seen {
  readonly type: 'put' | 'delete';
  readonly kv: ReturnType<typeof kvText>;
  readonly prev: ReturnType<typeof kvText>;
}

/** Every put and delete `watcher` reports, in order. */
function record(watcher: Watcher): Seen[] {
  const seen: Seen[] = [];
  watcher.on('put', (kv, prev) => seen.push({ type: 'put', kv: kvText(kv), prev: kvText(prev) }));
  watcher.on('delete', (kv, prev) =>
    seen.push({ type: 'delete', kv: kvText(kv), prev: kvText(prev) }),
  );
  return seen;
}

/** What a call's rejection says: the package's error class and its whole message. */
async function failure(call: PromiseLike<unknown>): Promise<[string, string]> {
  try {
    await call;
  } catch (error) {
    return [(error as Error).constructor.name, (error as Error).message];
  }
  return ['resolved', ''];
}

describe.each(API_SERVERS)('the etcd3 npm client against $kind', ({ start }) => {
  let server: ApiServer;
  let client: Etcd3;
  const others: Etcd3[] = [];
  /** The store's revision as the script's writes so far make it. */
  let rev = 1;
  /** The revision after one more write, as the servers report it (int64 as a string). */
  const wrote = (writes = 1) => {
    rev += writes;
    return String(rev);
  };
  const now = () => String(rev);
  const connect = (auth?: { username: string; password: string }) => {
    const c = new Etcd3({ hosts: server.endpoints, ...(auth === undefined ? {} : { auth }) });
    others.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await start({ members: 1 });
    client = new Etcd3({ hosts: server.endpoints });
  });
  afterAll(async () => {
    for (const c of others) c.close();
    client?.close();
    await server?.stop();
  });

  it('KV: strings, buffers and numbers; prefixes with sort, limit, keys and count; deletes', async () => {
    expect((await client.put('kv/a').value('1')).header.revision).toBe(wrote());
    await client.put('kv/b').value(Buffer.from([0, 1, 0xff]));
    wrote();
    await client.put('kv/n').value(42);
    wrote();
    await client.put('kv/c').value('3');
    wrote();
    expect((await client.put('kw').value('outside')).header.revision).toBe(wrote());
    expect(await client.get('kv/a').string()).toBe('1');
    expect(await client.get('kv/n').number()).toBe(42);
    expect((await client.get('kv/b').buffer())?.equals(Buffer.from([0, 1, 0xff]))).toBe(true);
    expect(await client.get('kv/missing').string()).toBeNull();
    expect(await client.get('kv/a').exists()).toBe(true);
    const got = await client.get('kv/a').exec();
    expect(got.header.revision).toBe(now());
    expect(got.count).toBe('1');
    expect(kvText(got.kvs[0])).toEqual({
      key: 'kv/a',
      value: '1',
      create: '2',
      mod: '2',
      version: '1',
      lease: '0',
    });

    const all = client.getAll();
    expect(await all.prefix('kv/').keys()).toEqual(['kv/a', 'kv/b', 'kv/c', 'kv/n']);
    expect(await client.getAll().prefix('kv/').count()).toBe(4);
    expect(await client.getAll().all().keys()).toEqual(['kv/a', 'kv/b', 'kv/c', 'kv/n', 'kw']);
    const desc = client.getAll().prefix('kv/').sort('Key', 'Descend').limit(2);
    expect(await desc.keys()).toEqual(['kv/n', 'kv/c']);
    const limited = await client.getAll().prefix('kv/').limit(2).exec();
    expect([limited.kvs.length, limited.more, limited.count]).toEqual([2, true, '4']);
    const byCreate = client.getAll().prefix('kv/').sort('Create', 'Descend');
    expect(await byCreate.keys()).toEqual(['kv/c', 'kv/n', 'kv/b', 'kv/a']);
    const byValue = client.getAll().inRange({ start: 'kv/a', end: 'kv/c' }).sort('Value', 'Ascend');
    expect(await byValue.keys()).toEqual(['kv/b', 'kv/a']);
    expect(await client.getAll().prefix('kv/').strings()).toMatchObject({
      'kv/a': '1',
      'kv/n': '42',
    });
    expect(await client.getAll().prefix('kv/n').numbers()).toEqual({ 'kv/n': 42 });
    const buffers = await client.getAll().prefix('kv/b').buffers();
    expect(buffers['kv/b']?.equals(Buffer.from([0, 1, 0xff]))).toBe(true);
    const recent = client.getAll().prefix('kv/').minModRevision(4).maxCreateRevision(4);
    expect(await recent.keys()).toEqual(['kv/n']);

    const previous = await client.put('kv/a').value('2').getPrevious();
    expect(previous.header.revision).toBe(wrote());
    expect(kvText(previous)).toMatchObject({ value: '1', mod: '2', version: '1' });
    expect(await client.get('kv/a').revision(2).string()).toBe('1');
    expect(await client.get('kv/a').string()).toBe('2');
    const touched = await client.put('kv/a').touch();
    expect(touched.header.revision).toBe(wrote());
    expect(await client.get('kv/a').string()).toBe('2');

    const deleted = await client.delete().key('kv/c');
    expect([deleted.deleted, deleted.header.revision]).toEqual(['1', wrote()]);
    const none = await client.delete().key('kv/missing');
    expect([none.deleted, none.header.revision]).toEqual(['0', now()]);
    const gone = await client.delete().prefix('kv/').getPrevious();
    wrote();
    expect(gone.map(kvText)).toEqual([
      { key: 'kv/a', value: '2', create: '2', mod: '8', version: '3', lease: '0' },
      { key: 'kv/b', value: '\u0000\u0001\ufffd', create: '3', mod: '3', version: '1', lease: '0' },
      { key: 'kv/n', value: '42', create: '4', mod: '4', version: '1', lease: '0' },
    ]);
    const after = await client.getAll().prefix('kv/').exec();
    expect([after.count, after.kvs, after.header.revision]).toEqual(['0', [], now()]);
    expect(await client.get('kw').string()).toBe('outside');
  });

  it('namespaces: keys under a prefix, nested, isolated from the rest', async () => {
    const app = client.namespace('app/');
    expect((await app.put('x').value('1')).header.revision).toBe(wrote());
    expect(await client.get('app/x').string()).toBe('1');
    expect(await app.get('x').string()).toBe('1');
    await client.put('y').value('root');
    wrote();
    expect(await app.get('y').string()).toBeNull();
    const inner = app.namespace('inner/');
    expect((await inner.put('z').value('2')).header.revision).toBe(wrote());
    expect(await client.get('app/inner/z').string()).toBe('2');
    expect(await app.getAll().keys()).toEqual(['inner/z', 'x']);
    expect(await inner.getAll().keys()).toEqual(['z']);
    expect(await inner.getAll().count()).toBe(1);
    const kv = (await inner.get('z').exec()).kvs[0];
    // exec() hands back the server's response as it is: keys keep the namespace's prefix.
    expect(kvText(kv)).toEqual({
      key: 'app/inner/z',
      value: '2',
      create: now(),
      mod: now(),
      version: '1',
      lease: '0',
    });

    const txn = await app.if('x', 'Version', '==', 1).then(app.put('x').value('t')).commit();
    expect([txn.succeeded, txn.header.revision]).toEqual([true, wrote()]);
    expect(await client.get('app/x').string()).toBe('t');
    const removed = await app.delete().all().getPrevious();
    wrote();
    expect(removed.map((p) => p.key.toString())).toEqual(['app/inner/z', 'app/x']);
    expect(await client.getAll().keys()).toEqual(['kw', 'y']);
  });

  it('transactions: compares on value, version, create and mod revision; then and else', async () => {
    const base = Number(wrote());
    await client.put('tx/a').value('1');
    const txn = await client
      .if('tx/a', 'Value', '==', '1')
      .and('tx/a', 'Mod', '==', base)
      .and('tx/a', 'Create', '==', base)
      .and('tx/b', 'Version', '==', 0)
      .then(client.put('tx/a').value('2'), client.put('tx/b').value('x'), client.get('tx/a'))
      .else(client.get('tx/a'))
      .commit();
    expect([txn.succeeded, txn.header.revision]).toEqual([true, wrote()]);
    // `response` names the oneof's case (the package's loader sets oneofs: true).
    expect(txn.responses.map((r) => (r as { response?: string }).response)).toEqual([
      'response_put',
      'response_put',
      'response_range',
    ]);
    expect(txn.responses[0]?.response_put.header.revision).toBe(now());
    expect(txn.responses[2]?.response_range.header.revision).toBe(now());
    expect(kvText(txn.responses[2]?.response_range.kvs[0])).toEqual({
      key: 'tx/a',
      value: '2',
      create: String(base),
      mod: now(),
      version: '2',
      lease: '0',
    });

    const failed = await client
      .if('tx/a', 'Value', '==', '1')
      .then(client.put('tx/a').value('never'))
      .else(client.get('tx/a'), client.getAll().prefix('tx/'))
      .commit();
    expect([failed.succeeded, failed.header.revision]).toEqual([false, now()]);
    expect(failed.responses[0]?.response_range.kvs[0]?.value.toString()).toBe('2');
    expect(failed.responses[1]?.response_range.count).toBe('2');

    const greater = await client
      .if('tx/a', 'Version', '>', 1)
      .and('tx/b', 'Mod', '<', Number(now()) + 1)
      .and('tx/a', 'Value', '!=', 'x')
      .then(client.delete().key('tx/b'), client.put('tx/c').value('c'))
      .commit();
    expect([greater.succeeded, greater.header.revision]).toEqual([true, wrote()]);
    expect(greater.responses[0]?.response_delete_range.deleted).toBe('1');
    expect(await client.getAll().prefix('tx/').keys()).toEqual(['tx/a', 'tx/c']);
    const readOnly = await client.if('tx/c', 'Value', '==', 'c').then(client.get('tx/c')).commit();
    expect([readOnly.succeeded, readOnly.header.revision]).toEqual([true, now()]);
  });

  it('errors and edge cases: etcd’s words, nested transactions, lease compares, compaction', async () => {
    expect(await failure(client.put('').value('x').exec())).toEqual([
      'GRPCInvalidArgumentError',
      '3 INVALID_ARGUMENT: etcdserver: key is not provided',
    ]);
    expect(
      await failure(
        client
          .get('kw')
          .revision(rev + 1)
          .string(),
      ),
    ).toEqual([
      'GRPCOutOfRangeError',
      '11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision',
    ]);
    const duplicate = client
      .if('e/a', 'Version', '==', 0)
      .then(client.put('e/a'), client.put('e/a'));
    expect(await failure(duplicate.commit())).toEqual([
      'GRPCInvalidArgumentError',
      '3 INVALID_ARGUMENT: etcdserver: duplicate key given in txn request',
    ]);
    const many = Array.from({ length: 129 }, (_, i) => client.put(`e/${i}`).value(i));
    expect(
      await failure(
        client
          .if('e/a', 'Version', '==', 0)
          .then(...many)
          .commit(),
      ),
    ).toEqual([
      'GRPCInvalidArgumentError',
      '3 INVALID_ARGUMENT: etcdserver: too many operations in txn request',
    ]);
    expect(await failure(client.put('e/a').value('x').lease('1234567').exec())).toEqual([
      'EtcdLeaseInvalidError',
      'Lease 5 NOT_FOUND: etcdserver: requested lease not found is expired or revoked',
    ]);
    expect(await client.getAll().prefix('e/').count()).toBe(0);

    // A transaction inside a transaction, and compares on a key's lease.
    await client.put('e/n').value('0');
    const nestedAt = Number(wrote());
    const nested = await client
      .if('e/n', 'Lease', '==', 0)
      .then({
        request_txn: {
          compare: [
            {
              key: Buffer.from('e/n'),
              target: 'Mod',
              result: 'Equal',
              mod_revision: String(nestedAt),
            },
          ],
          success: [{ request_put: { key: Buffer.from('e/inner'), value: Buffer.from('in') } }],
          failure: [],
        },
      } as never)
      .commit();
    expect([nested.succeeded, nested.header.revision]).toEqual([true, wrote()]);
    const inner = nested.responses[0]?.response_txn;
    // etcd leaves a nested transaction's own header empty; its writes carry the revision.
    expect([inner?.succeeded, inner?.header.revision]).toEqual([true, '0']);
    expect(inner?.responses[0]?.response_put.header.revision).toBe(now());
    const leased = await client.if('e/n', 'Lease', '!=', 0).then(client.put('e/x')).commit();
    expect([leased.succeeded, leased.responses]).toEqual([false, []]);

    // Compaction: older revisions are gone, with etcd's error; the current one stays readable.
    const compacted = await client.kv.compact({ revision: nestedAt, physical: true });
    expect(compacted.header.revision).toBe(now());
    expect(
      await failure(
        client
          .get('e/n')
          .revision(nestedAt - 1)
          .string(),
      ),
    ).toEqual([
      'GRPCOutOfRangeError',
      '11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted',
    ]);
    expect(await client.get('e/n').revision(nestedAt).string()).toBe('0');
    expect(await failure(client.kv.compact({ revision: nestedAt }))).toEqual([
      'GRPCOutOfRangeError',
      '11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted',
    ]);
    const past = await client
      .watch()
      .key('e/n')
      .startRevision(String(nestedAt - 1))
      .create();
    const cancelled = new Promise<[string, string]>((resolve) =>
      past.on('error', (e) => resolve([e.constructor.name, e.message])),
    );
    expect(await cancelled).toEqual(['EtcdError', 'Watcher canceled: ']);
    await client.delete().prefix('e/');
    wrote();
  });

  it('leases: grant, put with a lease, keep-alive events, time-to-live, revoke, expiry', async () => {
    const lease = client.lease(3);
    const id = await lease.grant();
    expect(id).toMatch(/^[1-9][0-9]*$/);
    const succeeded: { ID: string; TTL: string }[] = [];
    lease.on('keepaliveSucceeded', (res) => succeeded.push({ ID: res.ID, TTL: res.TTL }));
    expect((await lease.put('lease/a').value('1')).header.revision).toBe(wrote());
    await lease.put('lease/b').value('2');
    wrote();
    expect((await client.get('lease/a').exec()).kvs[0]?.lease).toBe(id);
    // Keep-alives every TTL/3 s: after two the keys have outlived an unrenewed lease's 3 s.
    await until(() => succeeded.length >= 3, 'three keep-alive responses');
    expect(succeeded.slice(0, 3)).toEqual([
      { ID: id, TTL: '3' },
      { ID: id, TTL: '3' },
      { ID: id, TTL: '3' },
    ]);
    const ttl = await client.leaseClient.leaseTimeToLive({ ID: id, keys: true });
    expect([ttl.ID, ttl.grantedTTL, ttl.keys.map(String)]).toEqual([
      id,
      '3',
      ['lease/a', 'lease/b'],
    ]);
    const listed = await client.leaseClient.leaseLeases();
    expect(listed.leases.map((l) => l.ID)).toEqual([id]);

    const watcher = await client.watch().prefix('lease/').create();
    const seen = record(watcher);
    await lease.revoke();
    const revokedAt = wrote();
    await until(() => seen.length === 2, 'both keys deleted');
    expect(seen.map((s) => [s.type, s.kv?.key, s.kv?.mod])).toEqual([
      ['delete', 'lease/a', revokedAt],
      ['delete', 'lease/b', revokedAt],
    ]);
    expect(await client.getAll().prefix('lease/').count()).toBe(0);
    await expect(client.leaseClient.leaseRevoke({ ID: id })).rejects.toThrow(EtcdLeaseInvalidError);
    const dead = await client.leaseClient.leaseTimeToLive({ ID: id, keys: false });
    expect([dead.TTL, dead.grantedTTL]).toEqual(['-1', '0']);

    // A lease nobody renews expires on the server's clock and takes its key with it.
    const lapsing = client.lease(1, { autoKeepAlive: false });
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
    expect((await client.leaseClient.leaseLeases()).leases).toEqual([]);
  });

  it('watches: puts and deletes with previous values, start revision, filters, unwatch', async () => {
    const key = await client.watch().key('w/a').withPreviousKV().create();
    const prefix = await client.watch().prefix('w/').create();
    // only('delete') asks for etcd's NOPUT filter (1.1.2's ignore() is an alias of only()).
    const onlyDeletes = await client.watch().prefix('w/').only('delete').create();
    const [bySeen, prefixSeen, deletesSeen] = [record(key), record(prefix), record(onlyDeletes)];
    const first = Number(wrote());
    await client.put('w/a').value('1');
    await client.put('w/b').value('b');
    await client.put('w/a').value('2');
    await client.delete().key('w/a');
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
    const past = await client
      .watch()
      .prefix('w/')
      .startRevision(String(first + 1))
      .create();
    const pastSeen = record(past);
    await until(() => pastSeen.length === 3, 'the catch-up from history');
    await key.cancel();
    await client.put('w/a').value('3');
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
    const future = await client
      .watch()
      .key('w/f')
      .startRevision(String(rev + 2))
      .create();
    const futureSeen = record(future);
    await client.put('w/f').value('not yet');
    await client.put('w/f').value('seen');
    wrote(2);
    await until(() => futureSeen.length === 1, 'the future watcher');
    expect([futureSeen[0]?.kv?.value, futureSeen[0]?.kv?.mod]).toEqual(['seen', now()]);
    for (const w of [prefix, onlyDeletes, past, future]) await w.cancel();
  });

  it('watches: a hundred watchers on one client each see every event once', async () => {
    const watchers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client
          .watch()
          .key(`many/${i % 10}`)
          .create(),
      ),
    );
    const seen = watchers.map(record);
    for (let i = 0; i < 10; i++) await client.put(`many/${i}`).value(String(i));
    const first = Number(wrote(10)) - 9;
    await until(() => seen.every((s) => s.length === 1), 'every watcher to see its put');
    for (const [i, s] of seen.entries()) {
      expect([s[0]?.kv?.key, s[0]?.kv?.mod]).toEqual([`many/${i % 10}`, String(first + (i % 10))]);
    }
    await Promise.all(watchers.map((w) => w.cancel()));
    await client.delete().prefix('many/');
    wrote();
    expect(seen.every((s) => s.length === 1)).toBe(true);
  });

  it('STM: concurrent conflicting transactions all succeed, one after another', async () => {
    for (const [name, isolation] of Object.entries(ISOLATION)) {
      if (name === 'readCommitted') continue; // checks nothing: concurrent writers lose updates
      await client.put(`stm/${name}`).value(0);
      const base = Number(wrote());
      const writers = 5;
      const results = await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          client.stm({ retries: writers * 4, isolation }).transact(async (tx) => {
            const value = (await tx.get(`stm/${name}`).number()) ?? Number.NaN;
            await tx.put(`stm/${name}`).value(value + 1);
            await tx.put(`stm/${name}/last`).value(i);
            return value;
          }),
        ),
      );
      // Each committed attempt read what the one before it wrote.
      expect([...results].sort()).toEqual([0, 1, 2, 3, 4]);
      const final = (await client.get(`stm/${name}`).exec()).kvs[0];
      expect(kvText(final)).toMatchObject({ value: '5', version: '6', mod: wrote(writers) });
      expect(final?.create_revision).toBe(String(base));
    }
    // Moving an amount between two keys keeps the total, whatever the interleaving.
    await client.put('bank/a').value(100);
    await client.put('bank/b').value(0);
    wrote(2);
    await Promise.all(
      [10, 20, 30].map((amount) =>
        client.stm({ retries: 20, isolation: ISOLATION.repeatableReads }).transact(async (tx) => {
          const [a, b] = await Promise.all([tx.get('bank/a').number(), tx.get('bank/b').number()]);
          await tx.put('bank/a').value((a ?? 0) - amount);
          await tx.put('bank/b').value((b ?? 0) + amount);
        }),
      ),
    );
    wrote(3);
    expect(await client.getAll().prefix('bank/').numbers()).toEqual({ 'bank/a': 40, 'bank/b': 60 });
    expect((await client.get('bank/a').exec()).header.revision).toBe(now());
    const committed = client.stm({ isolation: ISOLATION.readCommitted });
    await committed.transact(async (tx) => {
      await tx.put('bank/a').value(((await tx.get('bank/a').number()) ?? 0) + 1);
    });
    expect((await client.get('bank/a').exec()).kvs[0]?.mod_revision).toBe(wrote());
  });

  it('users and roles: a user touches only its role’s range once auth is enabled', async () => {
    await client.user('root').create('root-pw');
    await client.user('root').addRole('root');
    const role = await client.role('app').create();
    await role.grant({ permission: 'Readwrite', range: Range.prefix('app/') });
    await role.grant({ permission: 'Read', key: 'shared' });
    const alice = await client.user('alice').create('alice-pw');
    await alice.addRole('app');
    expect((await client.getUsers()).map((u) => u.name)).toEqual(['alice', 'root']);
    expect((await client.getRoles()).map((r) => r.name)).toEqual(['app']);
    expect((await alice.roles()).map((r) => r.name)).toEqual(['app']);
    const perms = await role.permissions();
    expect(
      perms.map((p) => [p.permission, p.range.start.toString(), p.range.end.toString()]),
    ).toEqual([
      ['Readwrite', 'app/', 'app0'],
      ['Read', 'shared', ''],
    ]);
    await client.put('shared').value('s');
    wrote();
    const everyKey = await client.getAll().keys();
    await client.auth.authEnable();

    const asAlice = connect({ username: 'alice', password: 'alice-pw' });
    expect((await asAlice.put('app/x').value('1')).header.revision).toBe(wrote());
    expect(await asAlice.get('app/x').string()).toBe('1');
    expect(await asAlice.get('shared').string()).toBe('s');
    await expect(asAlice.put('shared').value('no')).rejects.toThrow(EtcdPermissionDeniedError);
    await expect(asAlice.get('kw').string()).rejects.toThrow(EtcdPermissionDeniedError);
    await expect(asAlice.getAll().prefix('app').keys()).rejects.toThrow(EtcdPermissionDeniedError);
    await expect(asAlice.delete().all()).rejects.toThrow(EtcdPermissionDeniedError);
    const wrong = connect({ username: 'alice', password: 'wrong' });
    await expect(wrong.get('app/x').string()).rejects.toThrow(EtcdAuthenticationFailedError);

    const asRoot = connect({ username: 'root', password: 'root-pw' });
    expect(await asRoot.getAll().keys()).toEqual([...everyKey, 'app/x'].sort());
    await asRoot.role('app').revoke({ permission: 'Readwrite', range: Range.prefix('app/') });
    await expect(asAlice.get('app/x').string()).rejects.toThrow(EtcdPermissionDeniedError);
    expect((await asRoot.put('app/x').value('2')).header.revision).toBe(wrote());
    await asRoot.auth.authDisable();
    expect(await client.get('app/x').string()).toBe('2');
  });
});
