// The etcd3 npm package (1.x, unmodified) against a real etcd 3.4 and Cohort's server (every
// kind in API_SERVERS): KV, namespaces, transactions, etcd's errors, compaction and STM (its
// leases, watches and users/roles: etcd3-client-live.test.ts; its locks and elections:
// lock-election-clients.test.ts). The cases run in order as one script on a fresh server, so
// every revision is asserted exactly from the script's own writes (support/etcd3-script.ts).
//
// Fault model: none injected.

import { describe, expect, it } from 'vitest';
import { API_SERVERS } from './support/api-servers.js';
import { etcd3Script, failure, ISOLATION, kvText } from './support/etcd3-script.js';

describe.each(API_SERVERS)('the etcd3 npm client against $kind', (kind) => {
  const script = etcd3Script(kind);
  const { wrote, now } = script;

  it('KV: strings, buffers and numbers; prefixes with sort, limit, keys and count; deletes', async () => {
    expect((await script.client.put('kv/a').value('1')).header.revision).toBe(wrote());
    await script.client.put('kv/b').value(Buffer.from([0, 1, 0xff]));
    wrote();
    await script.client.put('kv/n').value(42);
    wrote();
    await script.client.put('kv/c').value('3');
    wrote();
    expect((await script.client.put('kw').value('outside')).header.revision).toBe(wrote());
    expect(await script.client.get('kv/a').string()).toBe('1');
    expect(await script.client.get('kv/n').number()).toBe(42);
    expect((await script.client.get('kv/b').buffer())?.equals(Buffer.from([0, 1, 0xff]))).toBe(
      true,
    );
    expect(await script.client.get('kv/missing').string()).toBeNull();
    expect(await script.client.get('kv/a').exists()).toBe(true);
    const got = await script.client.get('kv/a').exec();
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

    const all = script.client.getAll();
    expect(await all.prefix('kv/').keys()).toEqual(['kv/a', 'kv/b', 'kv/c', 'kv/n']);
    expect(await script.client.getAll().prefix('kv/').count()).toBe(4);
    expect(await script.client.getAll().all().keys()).toEqual([
      'kv/a',
      'kv/b',
      'kv/c',
      'kv/n',
      'kw',
    ]);
    const desc = script.client.getAll().prefix('kv/').sort('Key', 'Descend').limit(2);
    expect(await desc.keys()).toEqual(['kv/n', 'kv/c']);
    const limited = await script.client.getAll().prefix('kv/').limit(2).exec();
    expect([limited.kvs.length, limited.more, limited.count]).toEqual([2, true, '4']);
    const byCreate = script.client.getAll().prefix('kv/').sort('Create', 'Descend');
    expect(await byCreate.keys()).toEqual(['kv/c', 'kv/n', 'kv/b', 'kv/a']);
    const byValue = script.client
      .getAll()
      .inRange({ start: 'kv/a', end: 'kv/c' })
      .sort('Value', 'Ascend');
    expect(await byValue.keys()).toEqual(['kv/b', 'kv/a']);
    expect(await script.client.getAll().prefix('kv/').strings()).toMatchObject({
      'kv/a': '1',
      'kv/n': '42',
    });
    expect(await script.client.getAll().prefix('kv/n').numbers()).toEqual({ 'kv/n': 42 });
    const buffers = await script.client.getAll().prefix('kv/b').buffers();
    expect(buffers['kv/b']?.equals(Buffer.from([0, 1, 0xff]))).toBe(true);
    const recent = script.client.getAll().prefix('kv/').minModRevision(4).maxCreateRevision(4);
    expect(await recent.keys()).toEqual(['kv/n']);

    const previous = await script.client.put('kv/a').value('2').getPrevious();
    expect(previous.header.revision).toBe(wrote());
    expect(kvText(previous)).toMatchObject({ value: '1', mod: '2', version: '1' });
    expect(await script.client.get('kv/a').revision(2).string()).toBe('1');
    expect(await script.client.get('kv/a').string()).toBe('2');
    const touched = await script.client.put('kv/a').touch();
    expect(touched.header.revision).toBe(wrote());
    expect(await script.client.get('kv/a').string()).toBe('2');

    const deleted = await script.client.delete().key('kv/c');
    expect([deleted.deleted, deleted.header.revision]).toEqual(['1', wrote()]);
    const none = await script.client.delete().key('kv/missing');
    expect([none.deleted, none.header.revision]).toEqual(['0', now()]);
    const gone = await script.client.delete().prefix('kv/').getPrevious();
    wrote();
    expect(gone.map(kvText)).toEqual([
      { key: 'kv/a', value: '2', create: '2', mod: '8', version: '3', lease: '0' },
      { key: 'kv/b', value: '\u0000\u0001\ufffd', create: '3', mod: '3', version: '1', lease: '0' },
      { key: 'kv/n', value: '42', create: '4', mod: '4', version: '1', lease: '0' },
    ]);
    const after = await script.client.getAll().prefix('kv/').exec();
    expect([after.count, after.kvs, after.header.revision]).toEqual(['0', [], now()]);
    expect(await script.client.get('kw').string()).toBe('outside');
  });

  it('namespaces: keys under a prefix, nested, isolated from the rest', async () => {
    const app = script.client.namespace('app/');
    expect((await app.put('x').value('1')).header.revision).toBe(wrote());
    expect(await script.client.get('app/x').string()).toBe('1');
    expect(await app.get('x').string()).toBe('1');
    await script.client.put('y').value('root');
    wrote();
    expect(await app.get('y').string()).toBeNull();
    const inner = app.namespace('inner/');
    expect((await inner.put('z').value('2')).header.revision).toBe(wrote());
    expect(await script.client.get('app/inner/z').string()).toBe('2');
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
    expect(await script.client.get('app/x').string()).toBe('t');
    const removed = await app.delete().all().getPrevious();
    wrote();
    expect(removed.map((p) => p.key.toString())).toEqual(['app/inner/z', 'app/x']);
    expect(await script.client.getAll().keys()).toEqual(['kw', 'y']);
  });

  it('transactions: compares on value, version, create and mod revision; then and else', async () => {
    const base = Number(wrote());
    await script.client.put('tx/a').value('1');
    const txn = await script.client
      .if('tx/a', 'Value', '==', '1')
      .and('tx/a', 'Mod', '==', base)
      .and('tx/a', 'Create', '==', base)
      .and('tx/b', 'Version', '==', 0)
      .then(
        script.client.put('tx/a').value('2'),
        script.client.put('tx/b').value('x'),
        script.client.get('tx/a'),
      )
      .else(script.client.get('tx/a'))
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

    const failed = await script.client
      .if('tx/a', 'Value', '==', '1')
      .then(script.client.put('tx/a').value('never'))
      .else(script.client.get('tx/a'), script.client.getAll().prefix('tx/'))
      .commit();
    expect([failed.succeeded, failed.header.revision]).toEqual([false, now()]);
    expect(failed.responses[0]?.response_range.kvs[0]?.value.toString()).toBe('2');
    expect(failed.responses[1]?.response_range.count).toBe('2');

    const greater = await script.client
      .if('tx/a', 'Version', '>', 1)
      .and('tx/b', 'Mod', '<', Number(now()) + 1)
      .and('tx/a', 'Value', '!=', 'x')
      .then(script.client.delete().key('tx/b'), script.client.put('tx/c').value('c'))
      .commit();
    expect([greater.succeeded, greater.header.revision]).toEqual([true, wrote()]);
    expect(greater.responses[0]?.response_delete_range.deleted).toBe('1');
    expect(await script.client.getAll().prefix('tx/').keys()).toEqual(['tx/a', 'tx/c']);
    const readOnly = await script.client
      .if('tx/c', 'Value', '==', 'c')
      .then(script.client.get('tx/c'))
      .commit();
    expect([readOnly.succeeded, readOnly.header.revision]).toEqual([true, now()]);
  });

  it('errors and edge cases: etcd’s words, nested transactions, lease compares, compaction', async () => {
    expect(await failure(script.client.put('').value('x').exec())).toEqual([
      'GRPCInvalidArgumentError',
      '3 INVALID_ARGUMENT: etcdserver: key is not provided',
    ]);
    expect(
      await failure(
        script.client
          .get('kw')
          .revision(Number(now()) + 1)
          .string(),
      ),
    ).toEqual([
      'GRPCOutOfRangeError',
      '11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision',
    ]);
    const duplicate = script.client
      .if('e/a', 'Version', '==', 0)
      .then(script.client.put('e/a'), script.client.put('e/a'));
    expect(await failure(duplicate.commit())).toEqual([
      'GRPCInvalidArgumentError',
      '3 INVALID_ARGUMENT: etcdserver: duplicate key given in txn request',
    ]);
    const many = Array.from({ length: 129 }, (_, i) => script.client.put(`e/${i}`).value(i));
    expect(
      await failure(
        script.client
          .if('e/a', 'Version', '==', 0)
          .then(...many)
          .commit(),
      ),
    ).toEqual([
      'GRPCInvalidArgumentError',
      '3 INVALID_ARGUMENT: etcdserver: too many operations in txn request',
    ]);
    expect(await failure(script.client.put('e/a').value('x').lease('1234567').exec())).toEqual([
      'EtcdLeaseInvalidError',
      'Lease 5 NOT_FOUND: etcdserver: requested lease not found is expired or revoked',
    ]);
    expect(await script.client.getAll().prefix('e/').count()).toBe(0);

    // A transaction inside a transaction, and compares on a key's lease.
    await script.client.put('e/n').value('0');
    const nestedAt = Number(wrote());
    const nested = await script.client
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
    const leased = await script.client
      .if('e/n', 'Lease', '!=', 0)
      .then(script.client.put('e/x'))
      .commit();
    expect([leased.succeeded, leased.responses]).toEqual([false, []]);

    // Compaction: older revisions are gone, with etcd's error; the current one stays readable.
    const compacted = await script.client.kv.compact({ revision: nestedAt, physical: true });
    expect(compacted.header.revision).toBe(now());
    expect(
      await failure(
        script.client
          .get('e/n')
          .revision(nestedAt - 1)
          .string(),
      ),
    ).toEqual([
      'GRPCOutOfRangeError',
      '11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted',
    ]);
    expect(await script.client.get('e/n').revision(nestedAt).string()).toBe('0');
    expect(await failure(script.client.kv.compact({ revision: nestedAt }))).toEqual([
      'GRPCOutOfRangeError',
      '11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted',
    ]);
    const past = await script.client
      .watch()
      .key('e/n')
      .startRevision(String(nestedAt - 1))
      .create();
    const cancelled = new Promise<[string, string]>((resolve) =>
      past.on('error', (e) => resolve([e.constructor.name, e.message])),
    );
    expect(await cancelled).toEqual(['EtcdError', 'Watcher canceled: ']);
    await script.client.delete().prefix('e/');
    wrote();
  });

  it('STM: concurrent conflicting transactions all succeed, one after another', async () => {
    for (const [name, isolation] of Object.entries(ISOLATION)) {
      if (name === 'readCommitted') continue; // checks nothing: concurrent writers lose updates
      await script.client.put(`stm/${name}`).value(0);
      const base = Number(wrote());
      const writers = 5;
      const results = await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          script.client.stm({ retries: writers * 4, isolation }).transact(async (tx) => {
            const value = (await tx.get(`stm/${name}`).number()) ?? Number.NaN;
            await tx.put(`stm/${name}`).value(value + 1);
            await tx.put(`stm/${name}/last`).value(i);
            return value;
          }),
        ),
      );
      // Each committed attempt read what the one before it wrote.
      expect([...results].sort()).toEqual([0, 1, 2, 3, 4]);
      const final = (await script.client.get(`stm/${name}`).exec()).kvs[0];
      expect(kvText(final)).toMatchObject({ value: '5', version: '6', mod: wrote(writers) });
      expect(final?.create_revision).toBe(String(base));
    }
    // Moving an amount between two keys keeps the total, whatever the interleaving.
    await script.client.put('bank/a').value(100);
    await script.client.put('bank/b').value(0);
    wrote(2);
    await Promise.all(
      [10, 20, 30].map((amount) =>
        script.client
          .stm({ retries: 20, isolation: ISOLATION.repeatableReads })
          .transact(async (tx) => {
            const [a, b] = await Promise.all([
              tx.get('bank/a').number(),
              tx.get('bank/b').number(),
            ]);
            await tx.put('bank/a').value((a ?? 0) - amount);
            await tx.put('bank/b').value((b ?? 0) + amount);
          }),
      ),
    );
    wrote(3);
    expect(await script.client.getAll().prefix('bank/').numbers()).toEqual({
      'bank/a': 40,
      'bank/b': 60,
    });
    expect((await script.client.get('bank/a').exec()).header.revision).toBe(now());
    const committed = script.client.stm({ isolation: ISOLATION.readCommitted });
    await committed.transact(async (tx) => {
      await tx.put('bank/a').value(((await tx.get('bank/a').number()) ?? 0) + 1);
    });
    expect((await script.client.get('bank/a').exec()).kvs[0]?.mod_revision).toBe(wrote());
  });

  it('STM: a write between read and commit forces exactly one retry; deletes; prefetch', async () => {
    const c = script.client;
    await c.put('stm2/a').value(1);
    await c.put('stm2/gone').value('x');
    wrote(2);
    for (const [name, isolation] of Object.entries(ISOLATION)) {
      if (name === 'readCommitted') continue; // commits whatever was read
      let attempts = 0;
      const stm = c.stm({ isolation, retries: 3, prefetch: ['stm2/a'] });
      const read = await stm.transact(async (tx) => {
        attempts++;
        const a = (await tx.get('stm2/a').number()) ?? Number.NaN;
        if (attempts === 1) {
          await c.put('stm2/a').value(a + 100); // another writer, between read and commit
          wrote();
        }
        await tx.put('stm2/a').value(a + 1);
        expect(await tx.get('stm2/a').number()).toBe(a + 1); // reads its own write
        await tx.delete().key('stm2/gone');
        expect(await tx.get('stm2/gone').string()).toBeNull();
        return a;
      });
      const committedAt = wrote();
      expect(attempts).toBe(2);
      const kv = (await c.get('stm2/a').exec()).kvs[0];
      expect([kv?.value.toString(), kv?.mod_revision]).toEqual([String(read + 1), committedAt]);
      expect(await c.get('stm2/gone').exists()).toBe(false);
      await c.put('stm2/gone').value('x');
      wrote();
    }
  });
});
