// cohort/client's service registry, service directory and configuration watcher (issue 17)
// against a real server of every kind in API_SERVERS (a real etcd 3.4 and `cohort serve`):
// instances appear in a watch-driven directory, disappear when deregistered, when their health
// check fails (renewals stop; the lease runs out) and when their process stops renewing (its
// client closed without revoking), and come back when healthy; the directory follows every
// add and remove in order and keeps following across a server restart; the configuration
// watcher sees the prefix's values, then every change in order (a Txn's writes as one
// update), and its `current` snapshot matches the store.
//
// Fault model: a registrant that stops renewing (unhealthy, or gone), a server restarted
// under the watchers and keep-alives. No timing thresholds: conditions are awaited with
// deadlines that only turn a hang into a failure.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  type ConfigUpdate,
  ConfigWatcher,
  connect,
  Op,
  register,
  ServiceDirectory,
} from '../src/client/index.js';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';

/** etcd 3.4's minimum TTL with its default election timeout (1 s): ⌈1.5 × 1 s⌉. */
const SHORT_TTL_MS = 2_000;
/** Only turns a hang into a failure. */
const HANG_MS = 60_000;

describe.each(API_SERVERS)('registry and config recipes against $kind', ({ start }) => {
  let server: ApiServer;
  const clients: Client[] = [];
  const client = (i: number) => clients[i] as Client;

  beforeAll(async () => {
    server = await start({ members: 1 });
    for (let i = 0; i < 2; i++) clients.push(await connect({ endpoints: server.endpoints }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('the directory follows registrations, health and a registrant that stops renewing', async () => {
    const directory = new ServiceDirectory(client(1), 'api');
    await directory.ready;
    const log: string[] = [];
    const following = (async () => {
      for await (const update of directory.updates())
        for (const change of update.changes) log.push(`${change.type} ${change.key}`);
    })();
    const has = (id: string, value?: string) =>
      directory.waitFor((m) => m.has(id) && (value === undefined || m.get(id)?.value === value), {
        timeoutMs: HANG_MS,
      });
    const lacks = (id: string) => directory.waitFor((m) => !m.has(id), { timeoutMs: HANG_MS });

    let healthy = true;
    const a = await register(client(0), 'api', 'a', { ttlMs: SHORT_TTL_MS, value: '10.0.0.1:80' });
    const b = await register(client(0), 'api', 'b', {
      ttlMs: SHORT_TTL_MS,
      value: '10.0.0.2:80',
      health: () => healthy,
    });
    await has('a', '10.0.0.1:80');
    await has('b', '10.0.0.2:80');
    expect(directory.instances.get('a')?.lease).toBe(a.lease);

    // Unhealthy: b stops renewing, its lease runs out, the server deletes it.
    const bLease = b.lease as bigint;
    healthy = false;
    await lacks('b');
    expect(b.registered).toBe(false);
    expect((await client(0).timeToLive(bLease)).ttl).toBe(-1);
    expect(directory.instances.has('a')).toBe(true); // a kept renewing meanwhile.
    healthy = true;
    await has('b');
    expect(b.lease).not.toBe(bLease);

    // A registrant whose process stops renewing (its client gone, nothing revoked).
    const doomed = await connect({ endpoints: server.endpoints });
    await register(doomed, 'api', 'c', { ttlMs: SHORT_TTL_MS });
    await has('c');
    doomed.close();
    await lacks('c');

    await a.stop(); // Deregisters at once (revokes).
    await lacks('a');
    await b.stop();
    await lacks('b');
    directory.close();
    await following;
    expect(log).toEqual([
      'put a',
      'put b',
      'delete b',
      'put b',
      'put c',
      'delete c',
      'delete a',
      'delete b',
    ]);
  });

  it('the directory and a registration keep going across a server restart', async () => {
    const directory = new ServiceDirectory(client(1), 'web');
    const r = await register(client(0), 'web', 'x', { ttlMs: 10_000 });
    await directory.waitFor((m) => m.has('x'), { timeoutMs: HANG_MS });
    const before = directory.revision;
    await server.restartMember(0);
    const y = await register(client(0), 'web', 'y', { ttlMs: 10_000 });
    await directory.waitFor((m) => m.has('y'), { timeoutMs: HANG_MS });
    expect(directory.revision).toBeGreaterThan(before);
    expect([...directory.instances.keys()].sort()).toEqual(['x', 'y']);
    expect(r.registered).toBe(true);
    await Promise.all([r.stop(), y.stop()]);
    await directory.waitFor((m) => m.size === 0, { timeoutMs: HANG_MS });
    directory.close();
  });

  it('the config watcher sees the values, then every change in order', async () => {
    await client(0).put('cfg/a', '1');
    await client(0).put('cfg/b', '2');
    await client(0).put('cfg-other', 'not mine');
    const watcher = new ConfigWatcher(client(1), 'cfg/');
    await watcher.ready;
    expect(Object.fromEntries(watcher.current)).toEqual({ a: '1', b: '2' });

    const updates: ConfigUpdate[] = [];
    const collecting = (async () => {
      for await (const update of watcher) updates.push(update);
    })();
    const expected: string[] = [];
    let last = 0;
    for (let i = 0; i < 20; i++) {
      const key = `k${i % 4}`;
      if (i % 5 === 4) {
        const r = await client(0).delete(`cfg/${key}`);
        if (r.deleted > 0) expected.push(`delete ${key}`);
        last = r.header.revision;
      } else {
        last = (await client(0).put(`cfg/${key}`, String(i))).header.revision;
        expected.push(`put ${key}=${i}`);
      }
    }
    const txn = await client(0)
      .txn()
      .then(Op.put('cfg/a', 'x'), Op.put('cfg/b', 'y'), Op.put('cfg-other', 'z'))
      .commit();
    expected.push('put a=x', 'put b=y');
    last = txn.header.revision;
    await watcher.waitFor(() => watcher.revision >= last, { timeoutMs: HANG_MS });
    await until(() => updates.at(-1)?.revision === last, 'the last update to be read');
    watcher.close();
    await collecting;

    const [initial, ...rest] = updates;
    expect(initial?.initial).toBe(true);
    expect(initial?.changes.map((c) => c.key).sort()).toEqual(['a', 'b']);
    const text = (u: ConfigUpdate) =>
      u.changes.map((c) => (c.type === 'put' ? `put ${c.key}=${c.value}` : `delete ${c.key}`));
    expect(rest.flatMap(text)).toEqual(expected);
    expect(rest.at(-1)?.changes).toHaveLength(2); // The Txn: one update.
    const revisions = rest.map((u) => u.revision);
    expect(revisions).toEqual([...new Set(revisions)].sort((x, y) => x - y));
    const stored = await client(0).get('cfg/', { prefix: true });
    const snapshot = Object.fromEntries(
      stored.kvs.map((kv) => [kv.keyString().slice(4), kv.valueString()]),
    );
    expect(Object.fromEntries(watcher.current)).toEqual(snapshot);

    // A watcher asked to start inside compacted history fails with etcd's error.
    await client(0).compact(last);
    const stale = new ConfigWatcher(client(1), 'cfg/', { revision: last - 3 });
    await expect(stale.ready).rejects.toMatchObject({ kind: 'compacted' });
    await expect(stale[Symbol.asyncIterator]().next()).rejects.toMatchObject({ kind: 'compacted' });
  });
});
