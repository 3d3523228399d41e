// cohort/client's locks and elections (etcd's v3lock and v3election services) against a real
// server (every kind in API_SERVERS): mutual exclusion between clients, each holder counting
// itself in and out around a real round trip; a queued waiter woken by the unlock; a lock
// freed by its holder's lease expiring; a waiter that aborts leaving no key behind; an
// unknown lease refused; and an election's campaign, proclaim, resign and leader as an
// observer sees them, in order, with the recipe's typed errors.
//
// Fault model: a holder that stops renewing its lease (it expires), a waiter that gives up.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  connect,
  ElectionError,
  EtcdError,
  type LeaderState,
} from '../src/client/index.js';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';

/** etcd 3.4's minimum TTL with its default election timeout (1 s): ⌈1.5 × 1 s⌉. */
const MIN_TTL_SECONDS = 2;

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** Whether a promise has settled, as seen after everything queued before it has run. */
function settled(p: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  p.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
}

describe.each(API_SERVERS)('client locks and elections against $kind', ({ start }) => {
  let server: ApiServer;
  const clients: Client[] = [];
  const client = (i: number) => clients[i] as Client;
  const keysUnder = async (prefix: string) =>
    (await client(0).get(prefix, { prefix: true })).kvs.map((kv) => kv.keyString());

  beforeAll(async () => {
    server = await start({ members: 1 });
    for (let i = 0; i < 4; i++) clients.push(await connect({ endpoints: server.endpoints }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('lets one client at a time hold a lock (4 clients × 5 rounds)', async () => {
    let inside = 0;
    const overlaps: string[] = [];
    const order: string[] = [];
    const holder = async (i: number) => {
      const lease = await client(i).grant(60);
      for (let round = 0; round < 5; round++) {
        const { key, header } = await client(i).lock('mutex', { lease });
        expect(text(key)).toBe(`mutex/${lease.id.toString(16)}`);
        expect(header.revision).toBeGreaterThan(0);
        inside++;
        if (inside !== 1) overlaps.push(`client ${i} round ${round}: ${inside} inside`);
        order.push(`in ${i}`);
        // A real round trip inside the critical section gives the others time to intrude.
        await client(i).put('mutex-data', `${i}/${round}`);
        order.push(`out ${i}`);
        inside--;
        await client(i).unlock(key);
      }
      await lease.revoke();
    };
    await Promise.all([0, 1, 2, 3].map(holder));
    expect(overlaps).toEqual([]);
    expect(order).toHaveLength(40);
    for (let j = 0; j < order.length; j += 2)
      expect(order[j + 1]).toBe(order[j]?.replace('in', 'out'));
    expect(await keysUnder('mutex/')).toEqual([]);
  });

  it('queues a second client and wakes it when the holder unlocks', async () => {
    const [a, b] = [await client(0).grant(60), await client(1).grant(60)];
    const held = await client(0).lock('queue', { lease: a });
    const waiting = client(1).lock('queue', { lease: b });
    const state = settled(waiting);
    await until(async () => (await keysUnder('queue/')).length === 2, 'the waiter to queue');
    await client(0).get('queue/'); // One more round trip: the waiter had every chance.
    expect(state.done).toBe(false);
    const unlocked = await client(0).unlock(held.key);
    const second = await waiting;
    expect(text(second.key)).toBe(`queue/${b.id.toString(16)}`);
    expect(second.header.revision).toBeGreaterThanOrEqual(unlocked.revision);
    await client(1).unlock(second.key);
    await Promise.all([a.revoke(), b.revoke()]);
  });

  it('frees a lock when its holder’s lease expires', async () => {
    const short = await client(0).grant(MIN_TTL_SECONDS); // Never kept alive: it expires.
    const other = await client(1).grant(60);
    const held = await client(0).lock('expiring', { lease: short });
    const next = await client(1).lock('expiring', { lease: other });
    expect(text(next.key)).not.toBe(text(held.key));
    expect((await short.timeToLive()).ttl).toBe(-1);
    expect(await keysUnder('expiring/')).toEqual([text(next.key)]);
    await other.revoke();
  });

  it('aborts a waiting lock, leaving no key in the queue', async () => {
    const [a, b, c] = [
      await client(0).grant(60),
      await client(1).grant(60),
      await client(2).grant(60),
    ];
    const held = await client(0).lock('abort', { lease: a });
    const controller = new AbortController();
    const waiting = client(1).lock('abort', { lease: b, signal: controller.signal });
    await until(async () => (await keysUnder('abort/')).length === 2, 'the waiter to queue');
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await until(async () => (await keysUnder('abort/')).length === 1, 'the waiter key to go');
    // A later waiter is not stuck behind the aborted one.
    const third = client(2).lock('abort', { lease: c });
    await until(async () => (await keysUnder('abort/')).length === 2, 'the third to queue');
    await client(0).unlock(held.key);
    expect(text((await third).key)).toBe(`abort/${c.id.toString(16)}`);
    await Promise.all([a.revoke(), b.revoke(), c.revoke()]);
  });

  it('refuses a lock under an unknown lease (leaseNotFound) and a non-positive lease id', async () => {
    const lease = await client(0).grant(60);
    await lease.revoke();
    const error = await client(0)
      .lock('unknown', { lease })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdError);
    expect((error as EtcdError).kind).toBe('leaseNotFound');
    await expect(client(0).lock('unknown', { lease: 0n })).rejects.toThrow(RangeError);
    expect(await keysUnder('unknown/')).toEqual([]);
  });

  it('runs an election: campaign, proclaim, resign and the next leader, observed in order', async () => {
    const election = 'elect';
    const noLeader = await client(0)
      .election.leader(election)
      .catch((e: unknown) => e);
    expect(noLeader).toBeInstanceOf(ElectionError);
    expect((noLeader as ElectionError).kind).toBe('noLeader');

    const controller = new AbortController();
    const seen: LeaderState[] = [];
    const observing = (async () => {
      for await (const state of client(2).election.observe(election, {
        signal: controller.signal,
      }))
        seen.push(state);
    })();
    const [a, b] = [await client(0).grant(60), await client(1).grant(60)];
    const first = await client(0).election.campaign(election, 'a1', { lease: a });
    expect(text(first.name)).toBe(election);
    expect(text(first.key)).toBe(`${election}/${a.id.toString(16)}`);
    expect(first.lease).toBe(a.id);
    expect(first.rev).toBeGreaterThan(0);
    await until(() => seen.length === 1, 'the observer to see the first leader');

    const candidate = client(1).election.campaign(election, 'b1', { lease: b });
    const state = settled(candidate);
    await until(async () => (await keysUnder(`${election}/`)).length === 2, 'b to queue');
    await client(0).election.proclaim(first, 'a2');
    expect(text((await client(3).election.leader(election)).kv.value)).toBe('a2');
    expect(state.done).toBe(false);
    await client(0).election.resign(first);
    const second = await candidate;
    expect(second.rev).toBeGreaterThan(first.rev);
    const stale = await client(0)
      .election.proclaim(first, 'a3')
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ElectionError);
    expect((stale as ElectionError).kind).toBe('notLeader');
    await client(1).election.proclaim(second, 'b2');
    const leader = await client(3).election.leader(election);
    expect([text(leader.kv.key), text(leader.kv.value)]).toEqual([text(second.key), 'b2']);

    await until(() => seen.length === 4, 'the observer to see four states');
    expect(seen.map((s) => `${text(s.kv.key)}=${text(s.kv.value)}`)).toEqual([
      `${text(first.key)}=a1`,
      `${text(first.key)}=a2`,
      `${text(second.key)}=b1`,
      `${text(second.key)}=b2`,
    ]);
    const revisions = seen.map((s) => s.header.revision);
    expect([...revisions].sort((x, y) => x - y)).toEqual(revisions);
    controller.abort(new Error('done observing'));
    await expect(observing).rejects.toThrow('done observing');
    await client(1).election.resign(second);
    expect(await keysUnder(`${election}/`)).toEqual([]);
    await Promise.all([a.revoke(), b.revoke()]);
  });

  // Last: it restarts the server under the clients.
  it('resumes an observer after the server restarts, without repeating a state', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const observing = (async () => {
      for await (const s of client(2).election.observe('resume', { signal: controller.signal }))
        seen.push(text(s.kv.value));
    })();
    const lease = await client(0).grant(60);
    const leader = await client(0).election.campaign('resume', 'v1', { lease });
    await until(() => seen.length === 1, 'the observer to see v1');
    await server.restartMember(0);
    // The restarted server reports the current leader again: the observer skips the repeat.
    // Retried until the restarted member takes it (a failed attempt may still have applied).
    await until(
      () =>
        client(0)
          .election.proclaim(leader, 'v2')
          .then(
            () => true,
            () => false,
          ),
      'a proclaim after the restart',
    );
    await until(() => seen.includes('v2'), 'the observer to see v2 after the restart');
    expect(seen[0]).toBe('v1');
    expect(seen.slice(1).every((v) => v === 'v2')).toBe(true);
    controller.abort(new Error('stop'));
    await expect(observing).rejects.toThrow('stop');
    await client(0).election.resign(leader);
  });
});
