// cohort/client's leases against a real server (every kind in API_SERVERS): grant, list,
// time-to-live with keys, revoke deleting the keys, expiry deleting them, and keep-alive —
// renewing past the TTL, lost ('not-found') when the lease is revoked elsewhere, lost
// ('expired') when renewals stop getting through (the member is frozen with SIGSTOP).
// Lease ids are bigints throughout.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../src/client/connection.js';
import { IDLE_STREAM_MS } from '../src/client/idle-close.js';
import { type Client, connect, type KeepAlive, LeaseLostError } from '../src/client/index.js';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';

/** etcd 3.4's minimum TTL with its default election timeout (1 s): ⌈1.5 × 1 s⌉. */
const MIN_TTL_SECONDS = 2;

function renewals(keeper: KeepAlive): { count: number } {
  const seen = { count: 0 };
  keeper.on('renewed', () => {
    seen.count++;
  });
  return seen;
}

function lost(keeper: KeepAlive): Promise<LeaseLostError> {
  return new Promise((resolve) => keeper.once('lost', resolve));
}

describe.each(API_SERVERS)('client leases against $kind', ({ start }) => {
  let server: ApiServer;
  let client: Client;

  beforeAll(async () => {
    server = await start({ members: 1 });
    client = await connect({ endpoints: server.endpoints });
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('grants, lists, reports time-to-live with keys, and revokes (deleting the keys)', async () => {
    const lease = await client.grant(60);
    expect(typeof lease.id).toBe('bigint');
    expect(lease.id).toBeGreaterThan(0n);
    expect(lease.ttl).toBe(60);
    await client.put('lease1/a', 'x', { lease });
    await client.put('lease1/b', 'y', { lease: lease.id });
    expect((await client.get('lease1/a')).kvs[0]?.lease).toBe(lease.id);
    expect(await client.leases()).toContain(lease.id);
    const ttl = await lease.timeToLive({ keys: true });
    expect(ttl.id).toBe(lease.id);
    expect(ttl.grantedTtl).toBe(60);
    expect(ttl.ttl).toBeGreaterThan(0);
    expect(ttl.keys.map((k) => Buffer.from(k).toString()).sort()).toEqual(['lease1/a', 'lease1/b']);
    await lease.revoke();
    expect((await client.get('lease1/', { prefix: true })).count).toBe(0);
    expect((await client.timeToLive(lease.id)).ttl).toBe(-1);
    expect(await client.leases()).not.toContain(lease.id);
    const again = await client.revoke(lease.id).catch((e) => e);
    expect(again.kind).toBe('leaseNotFound');
  });

  it('expires a lease that is not kept alive, deleting its keys', async () => {
    const lease = await client.grant(MIN_TTL_SECONDS);
    await client.put('lease2/k', 'v', { lease });
    await until(async () => (await client.get('lease2/k')).count === 0, 'the key to expire');
    expect((await lease.timeToLive()).ttl).toBe(-1);
  });

  it('keeps a lease alive past its TTL, and stops without losing it', async () => {
    const lease = await client.grant(MIN_TTL_SECONDS);
    await client.put('lease3/k', 'v', { lease });
    const keeper = lease.keepAlive();
    const seen = renewals(keeper);
    // Renewals come every TTL/3: six of them span twice the TTL.
    await until(() => seen.count >= 6, 'six renewals');
    expect(keeper.ttl).toBe(MIN_TTL_SECONDS);
    expect((await client.get('lease3/k')).count).toBe(1);
    expect(keeper.signal.aborted).toBe(false);
    keeper.stop();
    await until(async () => (await client.get('lease3/k')).count === 0, 'expiry after stop');
    expect(keeper.signal.aborted).toBe(false);
  });

  // A lock renews its lease once per acquire. Were each renewal's stream cancelled, its
  // RST_STREAMs would look like the "rapid reset" attack to an HTTP/2 server: Node's drops
  // the connection after about 1,000 of them, failing every call on it.
  it('renews one lease 1,500 times in a row, each keep-alive stopped once renewed', async () => {
    const own = await connect({ endpoints: server.endpoints });
    try {
      const lease = await own.grant(30);
      for (let i = 0; i < 1_500; i++) {
        const keeper = own.keepAlive(lease.id);
        await new Promise((resolve, reject) => {
          keeper.once('renewed', resolve);
          keeper.once('lost', reject);
        });
        keeper.stop();
      }
      // Idle past the stream's close: the next keep-alive opens a new one.
      await sleep(IDLE_STREAM_MS + 500);
      const keeper = own.keepAlive(lease.id);
      await new Promise((resolve, reject) => {
        keeper.once('renewed', resolve);
        keeper.once('lost', reject);
      });
      keeper.stop();
      await own.put('lease-renewals/k', 'v', { lease });
      expect((await own.get('lease-renewals/k')).count).toBe(1);
    } finally {
      own.close();
    }
  });

  it("loses a kept-alive lease revoked elsewhere ('not-found'), aborting its signal", async () => {
    const lease = await client.grant(MIN_TTL_SECONDS);
    const keeper = lease.keepAlive();
    const gone = lost(keeper);
    await until(() => keeper.ttl > 0, 'the first renewal');
    await client.revoke(lease);
    const error = await gone;
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error.reason).toBe('not-found');
    expect(error.leaseId).toBe(lease.id);
    expect(keeper.signal.aborted).toBe(true);
    expect(keeper.signal.reason).toBe(error);
  });

  it("declares a lease lost ('expired') when renewals stop getting through", async () => {
    const lease = await client.grant(MIN_TTL_SECONDS);
    const keeper = lease.keepAlive();
    const gone = lost(keeper);
    await until(() => keeper.ttl > 0, 'the first renewal');
    server.pauseMember(0);
    try {
      const error = await gone;
      expect(error.reason).toBe('expired');
      expect(keeper.signal.aborted).toBe(true);
    } finally {
      server.resumeMember(0);
    }
  });
});
