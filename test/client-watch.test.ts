// cohort/client's watches against a real server (every kind in API_SERVERS): events in
// order with previous values and filters, a start revision in the past, many watchers on one
// stream, cancellation by break and by AbortSignal, compaction as WatchCompactedError, a
// consumer that does not read (the stream pauses, then delivers everything), and resume
// after the server restarts on the same data directory — every revision seen exactly once
// across the restart.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../src/client/connection.js';
import { IDLE_STREAM_MS } from '../src/client/idle-close.js';
import {
  type Client,
  connect,
  Op,
  WatchCompactedError,
  type WatchEvent,
} from '../src/client/index.js';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { collect } from './support/collect-watch.js';

/** Collects a watcher's events in the background; `ended` settles when iteration stops. */
const show = (events: readonly WatchEvent[]) =>
  events.map((e) => `${e.type} ${e.kv.keyString()}=${e.kv.valueString()}`);

describe.each(API_SERVERS)('client watch against $kind', ({ start }) => {
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

  it('reports puts and deletes in order, with previous values', async () => {
    const watcher = client.watch('w1/', { prefix: true, prevKv: true });
    await watcher.ready;
    const seen = collect(watcher);
    await client.put('w1/a', '1');
    await client.put('w1/a', '2');
    await client.put('w1x', 'outside');
    await client.delete('w1/a');
    await until(() => seen.events.length === 3, 'three events');
    expect(show(seen.events)).toEqual(['PUT w1/a=1', 'PUT w1/a=2', 'DELETE w1/a=']);
    expect(seen.events[1]?.prevKv?.valueString()).toBe('1');
    expect(seen.events[2]?.prevKv?.valueString()).toBe('2');
    await watcher.cancel();
    expect(await seen.ended).toBe('done');
  });

  it('filters events and replays from a past start revision', async () => {
    const first = await client.put('w2/k', 'a');
    await client.delete('w2/k');
    await client.put('w2/k', 'b');
    const noDeletes = client.watch('w2/k', {
      startRevision: first.header.revision,
      filters: ['NODELETE'],
    });
    const seen = collect(noDeletes);
    await until(() => seen.events.length === 2, 'the two puts');
    expect(show(seen.events)).toEqual(['PUT w2/k=a', 'PUT w2/k=b']);
    await noDeletes.cancel();
  });

  it('multiplexes many watchers on one stream and cancels each on its own', async () => {
    const watchers = Array.from({ length: 20 }, (_, i) => client.watch(`w3/${i}`));
    await Promise.all(watchers.map((w) => w.ready));
    const seen = watchers.map(collect);
    for (let i = 0; i < 20; i++) await client.put(`w3/${i}`, `v${i}`);
    await until(() => seen.every((s) => s.events.length === 1), 'one event per watcher');
    const expected = seen.map((_, i) => [`PUT w3/${i}=v${i}`]);
    expect(seen.map((s) => show(s.events))).toEqual(expected);
    // A `break` ends a watcher (the iterator's return cancels it).
    const broken = client.watch('w3/0', { startRevision: 1 });
    for await (const event of broken) {
      expect(event.kv.keyString()).toBe('w3/0');
      break;
    }
    expect(broken.ended).toBe(true);
    // Half stop (by abort and by cancel); the rest keep receiving.
    const controller = new AbortController();
    const aborted = client.watch('w3/0', { signal: controller.signal });
    await aborted.ready;
    const abortedSeen = collect(aborted);
    controller.abort(new Error('no longer needed'));
    expect(((await abortedSeen.ended) as Error).message).toBe('no longer needed');
    for (const w of watchers.slice(0, 10)) await w.cancel();
    for (let i = 0; i < 20; i++) await client.put(`w3/${i}`, `again${i}`);
    await until(() => seen.slice(10).every((s) => s.events.length === 2), 'the second events');
    expect(seen.slice(0, 10).every((s) => s.events.length === 1)).toBe(true);
    for (const w of watchers.slice(10)) await w.cancel();
  });

  // A lock waiter watches once per wait. Were the shared stream cancelled each time its last
  // watcher went, its RST_STREAMs would look like the "rapid reset" attack to an HTTP/2
  // server: Node's drops the connection after about 1,000 of them, failing every call on it.
  it('creates and cancels 1,500 watches in a row on one client, keeping its connection', async () => {
    const own = await connect({ endpoints: server.endpoints });
    try {
      for (let i = 0; i < 1_500; i++) {
        const watcher = own.watch(`one-at-a-time/${i}`);
        await watcher.ready;
        await watcher.cancel();
      }
      // Idle past the stream's close: the next watch opens a new one.
      await sleep(IDLE_STREAM_MS + 500);
      const watcher = own.watch('one-at-a-time/last');
      await watcher.ready;
      const seen = collect(watcher);
      await own.put('one-at-a-time/last', 'v');
      await until(() => seen.events.length === 1, 'the event');
      await watcher.cancel();
    } finally {
      own.close();
    }
  });

  it('ends a watcher with WatchCompactedError when its start revision is compacted', async () => {
    const first = await client.put('w4/k', '1');
    const last = await client.put('w4/k', '2');
    await client.compact(last.header.revision);
    const watcher = client.watch('w4/k', { startRevision: first.header.revision });
    const seen = collect(watcher);
    const error = await seen.ended;
    expect(error).toBeInstanceOf(WatchCompactedError);
    expect((error as WatchCompactedError).compactRevision).toBe(last.header.revision);
  });

  it('pauses the stream for a consumer that does not read, then delivers everything', async () => {
    // 100 Txns of 128 puts: 12,800 events, more than the 10,000 the client buffers.
    const first = (await client.put('w6/start', '')).header.revision + 1;
    for (let t = 0; t < 100; t++) {
      const ops = Array.from({ length: 128 }, (_, i) => Op.put(`w6/${t}/${i}`, `${t}.${i}`));
      await client
        .txn()
        .then(...ops)
        .commit();
    }
    const slow = client.watch('w6/', { prefix: true, startRevision: first });
    await until(() => slow.buffered >= 10_000, 'the buffer to fill');
    const keys: string[] = [];
    for await (const event of slow) {
      keys.push(event.kv.keyString());
      if (keys.length === 12_800) break;
    }
    const expected = Array.from({ length: 100 }, (_, t) =>
      Array.from({ length: 128 }, (_, i) => `w6/${t}/${i}`),
    ).flat();
    expect(keys).toEqual(expected);
    // The shared stream flows again: a new watcher gets its event.
    const after = client.watch('w6/after');
    await after.ready;
    await client.put('w6/after', 'x');
    for await (const event of after) {
      expect(event.kv.valueString()).toBe('x');
      break;
    }
  });

  it('resumes every watcher after a server restart, each revision exactly once', async () => {
    const watcher = client.watch('w5/', { prefix: true });
    await watcher.ready;
    const seen = collect(watcher);
    const revisions: number[] = [];
    for (let i = 0; i < 5; i++)
      revisions.push((await client.put(`w5/${i}`, 'before')).header.revision);
    await until(() => seen.events.length === 5, 'the events before the restart');
    await server.stopMember(0);
    await server.startMember(0);
    // Writes while the watch stream is (likely) still reconnecting must not be missed.
    for (let i = 0; i < 5; i++) {
      const put = await client.put(`w5/${i}`, 'after', { timeoutMs: 30_000 });
      revisions.push(put.header.revision);
    }
    await until(() => seen.events.length >= 10, 'the events after the restart');
    expect(seen.events.map((e) => e.kv.modRevision)).toEqual(revisions);
    await watcher.cancel();
  });
});
