// cohort/client's coordination recipes (issue 17) against a real server of every kind in
// API_SERVERS (a real etcd 3.4 and `cohort serve`): leader election (campaign order, a
// leader's signal aborting when its lease is lost, observe reporting every leader and value
// in order from a revision, a campaign timing out), the counting semaphore (a waiter admitted
// when one of N leaves; never more than N holders under contention, checked with a shared
// counter around a real round trip; a permit's signal when its lease is revoked), barriers
// and etcd's double barrier, and the FIFO queue (order, a consumer woken by a put, exactly
// one consumer per item under 4 concurrent consumers and 2 producers).
//
// Fault model: holders whose lease is revoked under them, waiters that time out; clients
// racing for the same keys. No timing thresholds: conditions are awaited with `until`
// (whose limit only turns a hang into a failure).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Barrier,
  type Client,
  connect,
  DoubleBarrier,
  HoldLostError,
  LeaderElection,
  type Permit,
  Queue,
  type QueueItem,
  RecipeTimeoutError,
  Semaphore,
  Session,
  TooManyClientsError,
} from '../src/client/index.js';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';

/** Whether a promise has settled, as seen after everything queued before it has run. */
function settled(p: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  const done = () => {
    state.done = true;
  };
  p.then(done, done);
  return state;
}

const TTL_MS = 10_000;

describe.each(API_SERVERS)('recipes against $kind', ({ start }) => {
  let server: ApiServer;
  const clients: Client[] = [];
  const client = (i: number) => clients[i % clients.length] as Client;
  const count = async (prefix: string) =>
    (await client(0).get(prefix, { prefix: true, countOnly: true })).count;

  beforeAll(async () => {
    server = await start({ members: 1 });
    for (let i = 0; i < 4; i++) clients.push(await connect({ endpoints: server.endpoints }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('elects in campaign order, observed in order from a revision; a lost lease ends a leader', async () => {
    const election = (i: number) => new LeaderElection(client(i), 'elect');
    const from = (await client(0).get('elect/', { prefix: true })).header.revision;
    const seen: string[] = [];
    const stop = new AbortController();
    const observing = (async () => {
      const changes = election(3).observe({ signal: stop.signal, revision: from });
      for await (const change of changes) seen.push(change.leader?.value ?? '-');
    })().catch((e: unknown) => {
      if (!stop.signal.aborted) throw e;
    });

    const a = await election(0).campaign('a', { ttlMs: TTL_MS });
    const b = election(1).campaign('b', { ttlMs: TTL_MS });
    await until(async () => (await count('elect/')) === 2, 'b to queue');
    const c = election(2).campaign('c', { ttlMs: TTL_MS });
    await until(async () => (await count('elect/')) === 3, 'c to queue');
    const [bState, cState] = [settled(b), settled(c)];
    expect((await election(0).leader())?.value).toBe('a');
    expect([bState.done, cState.done]).toEqual([false, false]);

    await a.proclaim('a2');
    await a.resign();
    expect(a.signal.aborted).toBe(true);
    const bLeader = await b;
    expect(bLeader.rev).toBeGreaterThan(a.rev);
    expect(cState.done).toBe(false);

    await client(0).revoke(bLeader.lease); // b's lease is lost under it.
    await until(() => bLeader.signal.aborted, "b's signal to abort");
    expect(bLeader.signal.reason).toBeInstanceOf(HoldLostError);
    const cLeader = await c;
    expect(cLeader.signal.aborted).toBe(false);

    // A candidate that times out leaves no key behind.
    const late = election(3).campaign('d', { ttlMs: TTL_MS, timeoutMs: 200 });
    await expect(late).rejects.toBeInstanceOf(RecipeTimeoutError);
    await until(async () => (await count('elect/')) === 1, "d's candidacy to go");

    await cLeader.resign();
    await until(() => seen.length >= 6, 'observe to report every change');
    stop.abort();
    await observing;
    expect(seen).toEqual(['-', 'a', 'a2', 'b', 'c', '-']);

    // An observer started afterwards, from the same revision, replays the same history.
    const replayed: string[] = [];
    for await (const change of election(1).observe({ revision: from })) {
      replayed.push(change.leader?.value ?? '-');
      if (replayed.length === seen.length) break;
    }
    expect(replayed).toEqual(seen);
  });

  it('semaphore: the N+1-th acquirer waits and is admitted when one of N leaves', async () => {
    const sem = (i: number) => new Semaphore(client(i), 'sem', 3);
    const permits: Permit[] = [];
    for (let i = 0; i < 3; i++) permits.push(await sem(i).acquire({ ttlMs: TTL_MS }));
    const fourth = sem(3).acquire({ ttlMs: TTL_MS });
    await until(async () => (await sem(0).queued()) === 4, 'the fourth to queue');
    await client(0).get('sem/'); // One more round trip: the waiter had every chance.
    const state = settled(fourth);
    await client(1).get('sem/');
    expect(state.done).toBe(false);
    await permits[1]?.release(); // The middle one: the waiter does not watch only the first.
    const admitted = await fourth;
    expect(admitted.token).toBeGreaterThan(Math.max(...permits.map((p) => p.token)));

    // A full semaphore times an acquirer out, and its key goes.
    const late = sem(2).acquire({ ttlMs: TTL_MS, timeoutMs: 200 });
    await expect(late).rejects.toBeInstanceOf(RecipeTimeoutError);
    await until(async () => (await sem(0).queued()) === 3, 'the timed-out key to go');
    for (const p of [permits[0], permits[2], admitted]) await p?.release();
    expect(await sem(0).queued()).toBe(0);
  });

  it('semaphore: never more than N holders (8 acquirers × 4 rounds, a shared counter)', async () => {
    const limit = 3;
    let inside = 0;
    let most = 0;
    const overs: string[] = [];
    const worker = async (w: number) => {
      const session = await Session.create(client(w), TTL_MS);
      const sem = new Semaphore(client(w), 'sem-load', limit);
      for (let round = 0; round < 4; round++) {
        const permit = await sem.acquire({ session });
        inside++;
        most = Math.max(most, inside);
        if (inside > limit) overs.push(`worker ${w} round ${round}: ${inside} inside`);
        await client(w).put(`sem-load-data/${w}`, String(round)); // A real round trip inside.
        inside--;
        await permit.release();
      }
      await session.close();
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(worker));
    expect(overs).toEqual([]);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(await new Semaphore(client(0), 'sem-load', limit).queued()).toBe(0);
  });

  it("semaphore: a permit's signal aborts when its session's lease is revoked", async () => {
    const session = await Session.create(client(0), TTL_MS);
    const permit = await new Semaphore(client(0), 'sem-lost', 2).acquire({ session });
    expect(permit.signal.aborted).toBe(false);
    await client(1).revoke(session.id);
    await until(() => permit.signal.aborted, 'the permit to be lost');
    expect(permit.signal.reason).toBeInstanceOf(HoldLostError);
    expect(['lease', 'deleted']).toContain((permit.signal.reason as HoldLostError).reason);
    expect(await count('sem-lost/')).toBe(0);
  });

  it('barrier: waiters return when the holder releases it', async () => {
    const gate = new Barrier(client(0), 'gate');
    await gate.wait(); // Not held: returns at once.
    expect(await gate.hold()).toBe(true);
    expect(await gate.hold()).toBe(false);
    const waiting = [1, 2, 3].map((i) => new Barrier(client(i), 'gate').wait());
    const states = waiting.map(settled);
    await Promise.all([1, 2, 3].map((i) => client(i).get('gate'))); // Round trips.
    expect(states.map((s) => s.done)).toEqual([false, false, false]);
    await gate.release();
    await Promise.all(waiting);
  });

  it('double barrier: enter once all 3 arrive, leave once all 3 left; a 4th is refused', async () => {
    const db = (i: number) => new DoubleBarrier(client(i), 'double', 3);
    const parties = [db(0), db(1), db(2)];
    const first = [parties[0]?.enter({ ttlMs: TTL_MS }), parties[1]?.enter({ ttlMs: TTL_MS })];
    await until(async () => (await count('double/waiters/')) === 2, 'two arrivals');
    const firstStates = first.map((p) => settled(p as Promise<void>));
    await client(0).get('double/ready');
    expect(firstStates.map((s) => s.done)).toEqual([false, false]);
    await parties[2]?.enter({ ttlMs: TTL_MS });
    await Promise.all(first);

    await expect(db(3).enter({ ttlMs: TTL_MS })).rejects.toBeInstanceOf(TooManyClientsError);
    expect(await count('double/waiters/')).toBe(3);

    const leaving = [parties[0]?.leave(), parties[1]?.leave()];
    await until(async () => (await count('double/waiters/')) <= 2, 'a departure');
    const leavingStates = leaving.map((p) => settled(p as Promise<void>));
    await client(0).get('double/waiters/', { prefix: true });
    expect(leavingStates.map((s) => s.done)).toEqual([false, false]);
    await parties[2]?.leave();
    await Promise.all(leaving);
    expect(await count('double/')).toBe(0);
  });

  it('queue: FIFO order; an empty queue wakes its consumer on the next put', async () => {
    const queue = new Queue(client(0), 'fifo');
    for (let i = 0; i < 10; i++) await queue.enqueue(`item-${i}`);
    const taken: QueueItem[] = [];
    for (let i = 0; i < 10; i++) taken.push(await new Queue(client(i), 'fifo').dequeue());
    expect(taken.map((t) => t.value)).toEqual([...Array(10).keys()].map((i) => `item-${i}`));
    expect(await queue.length()).toBe(0);

    const waiting = new Queue(client(1), 'fifo').dequeue();
    const state = settled(waiting);
    await client(1).get('fifo/', { prefix: true });
    expect(state.done).toBe(false);
    await queue.enqueue('late');
    expect((await waiting).value).toBe('late');
    await expect(queue.dequeue({ timeoutMs: 100 })).rejects.toBeInstanceOf(RecipeTimeoutError);
  });

  it('queue: every item to exactly one of 4 concurrent consumers, in order', async () => {
    const total = 80;
    const stop = new AbortController();
    const takenBy: QueueItem[][] = [[], [], [], []];
    let taken = 0;
    const consume = async (c: number) => {
      const queue = new Queue(client(c), 'work');
      for (;;) {
        try {
          const item = await queue.dequeue({ signal: stop.signal });
          takenBy[c]?.push(item);
          if (++taken === total) stop.abort();
        } catch (e) {
          if (stop.signal.aborted) return;
          throw e;
        }
      }
    };
    const produce = async (p: number) => {
      const queue = new Queue(client(p + 2), 'work');
      for (let i = 0; i < total / 2; i++) await queue.enqueue(`${p}:${i}`);
    };
    await Promise.all([...[0, 1, 2, 3].map(consume), produce(0), produce(1)]);
    const all = takenBy.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all.map((t) => t.value)).size).toBe(total);
    for (const mine of takenBy) {
      const revisions = mine.map((t) => t.revision);
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
    }
    // In the order of the queue (create revision), each producer's items are in its order.
    const byRevision = [...all].sort((x, y) => x.revision - y.revision);
    for (const p of ['0', '1']) {
      const mine = byRevision.filter((t) => t.value.startsWith(`${p}:`));
      expect(mine.map((t) => t.value)).toEqual(mine.map((_, i) => `${p}:${i}`));
    }
    expect(await new Queue(client(0), 'work').length()).toBe(0);
  });
});
