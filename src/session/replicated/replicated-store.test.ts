// Replication between app servers, in one process over real loopback HTTP: writes spread to
// every replica by push-pull gossip, concurrent writes settle on one winner everywhere,
// deletions spread as tombstones that a stale copy cannot undo, and hostile or malformed
// gossip is refused (401/413/400) with the store unharmed.

import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../runtime/testing/wait.js';
import { newSessionId, type SessionId } from '../session-id.js';
import { MAC_HEADER, macOf } from './gossip-http.js';
import { ReplicatedSessionStore } from './replicated-store.js';
import { mergeVersion, type SessionVersion, toWire } from './versions.js';

const SECRET = 'replication-test-secret-0123456789abcdef';
let open: ReplicatedSessionStore[] = [];

afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function cluster(n: number, options: { maxSessions?: number } = {}) {
  const stores = Array.from(
    { length: n },
    (_, i) => new ReplicatedSessionStore({ node: i + 1, secret: SECRET, periodMs: 20, ...options }),
  );
  open.push(...stores);
  const ports = await Promise.all(stores.map((s) => s.listen()));
  for (const [i, s] of stores.entries()) {
    s.setPeers(
      ports.flatMap((port, j) =>
        j === i ? [] : [{ node: j + 1, url: `http://127.0.0.1:${port}/` }],
      ),
    );
  }
  return { stores, ports };
}

const record = (dataText: string) => ({ dataText, expiresAtMs: Date.now() + 60_000 });

function post(port: number, route: string, body: string, mac: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: route,
      headers: { [MAC_HEADER]: mac },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.end(body);
  });
}

describe('ReplicatedSessionStore', () => {
  it('spreads a write to every replica', async () => {
    const { stores } = await cluster(4);
    const id = newSessionId();
    await stores[0]?.records().put(id, record('{"n":1}'));
    await until(() => stores.every((s) => s.live(id)?.value === '{"n":1}'), 'the write to spread');
  });

  it('settles concurrent writes on the larger (ts, node) everywhere', async () => {
    const { stores } = await cluster(3);
    const id = newSessionId();
    await Promise.all(stores.map((s, i) => s.records().put(id, record(`{"by":${i + 1}}`))));
    await until(() => {
      const seen = stores.map((s) => s.live(id));
      return seen.every((v) => v !== undefined && v.ts === seen[0]?.ts && v.node === seen[0]?.node);
    }, 'the replicas to agree');
    const winner = stores[0]?.live(id) as SessionVersion;
    expect(winner.value).toBe(`{"by":${winner.node}}`);
  });

  it('spreads a deletion as a tombstone that a stale copy cannot undo', async () => {
    const { stores } = await cluster(3);
    const id = newSessionId();
    await stores[0]?.records().put(id, record('{"n":1}'));
    await until(() => stores.every((s) => s.live(id) !== undefined), 'the write to spread');
    const stale = stores[2]?.live(id) as SessionVersion;
    await stores[1]?.records().delete(id);
    await until(() => stores.every((s) => s.live(id) === undefined), 'the tombstone to spread');
    expect(stores.every((s) => s.stats().tombstones === 1)).toBe(true);
    // The tombstone is newer than the stale live version: merging either way keeps it.
    const tomb = { value: null, ts: stale.ts + 1, node: 2, expiresAtMs: stale.expiresAtMs };
    expect(mergeVersion(stale, tomb)).toBe(tomb);
    expect(mergeVersion(tomb, stale)).toBe(tomb);
  });

  it('refuses unauthenticated, oversized and malformed gossip and stays up', async () => {
    const { stores, ports } = await cluster(1);
    const port = ports[0] as number;
    const key = Buffer.from(SECRET);
    const id = newSessionId() as SessionId;
    const forged = JSON.stringify({
      versions: [toWire(id, { value: '{}', ts: 9, node: 1, expiresAtMs: Date.now() + 9e6 })],
    });
    expect(await post(port, '/ack2', forged, 'not-the-mac')).toBe(401);
    expect(
      await post(
        port,
        '/ack2',
        forged,
        macOf(Buffer.from('another-secret-0123456789abcdef-xyz'), Buffer.from(forged)),
      ),
    ).toBe(401);
    expect(stores[0]?.live(id)).toBeUndefined();
    const huge = 'x'.repeat(9 * 1024 * 1024);
    expect(await post(port, '/ack2', huge, macOf(key, Buffer.from(huge)))).toBe(413);
    for (const bad of ['[', '{"digest":"x"}', '{"digest":[["short",1,1]]}', 'null']) {
      expect(await post(port, '/syn', bad, macOf(key, Buffer.from(bad)))).toBe(400);
    }
    // Malformed or expired versions inside an authentic message are dropped one by one.
    const mixed = JSON.stringify({
      versions: [
        [id, 'ts', 1, Date.now() + 9e6, '{}'],
        [newSessionId(), 1, 1, Date.now() - 1, '{}'],
        toWire(id, { value: '{"ok":1}', ts: 5, node: 1, expiresAtMs: Date.now() + 9e6 }),
      ],
    });
    expect(await post(port, '/ack2', mixed, macOf(key, Buffer.from(mixed)))).toBe(200);
    expect(stores[0]?.live(id)?.value).toBe('{"ok":1}');
    expect(stores[0]?.stats().dropped).toBe(2);
  });

  it('holds at most maxSessions versions', async () => {
    const { stores } = await cluster(2, { maxSessions: 5 });
    for (let i = 0; i < 8; i++) await stores[0]?.records().put(newSessionId(), record('{}'));
    expect(stores[0]?.stats().sessions).toBe(5);
    await until(() => stores[1]?.stats().sessions === 5, 'the five to spread');
  });
});
