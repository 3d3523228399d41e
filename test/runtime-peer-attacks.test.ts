// Issue 14, items 1 and 3, as an attacker on the same machine would try them against real
// `cohort node` processes (LocalCluster: a cluster secret by default). The attacker knows the
// cluster id and every port, but not the secret. It says hello as an existing node and then
// sends forged Raft messages (a Heartbeat with term 2^53−1 and one with a large valid term,
// an AppendEntries that would commit an injected value) or forged Ricart–Agrawala OKs; it
// sends a 16 MB frame before the handshake, and leaves 40 connections on partial frames.
// Every attempt is refused before its messages are decoded: the cluster keeps a leader at a
// small term, commits continue, no forged value is ever applied, no two nodes share the
// critical section, and a node's resident memory stays within a generous bound (a memory
// bound, not a timing one). Deadlines (`until`) only turn a hang into a failure.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer } from '../src/runtime/api-token.js';
import { LocalCluster } from '../src/runtime/launcher/local-cluster.js';
import { until } from '../src/runtime/testing/wait.js';
import { encodeFrame } from '../src/runtime/transport/frame.js';
import { freshNonce, PROTOCOL_VERSION } from '../src/runtime/transport/handshake.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { KvClient } from './support/kv-client.js';
import { checkMutexLog } from './support/mutex-log.js';
import { leaderOf, type RaftNodeState, raftStateOf } from './support/raft-state.js';

const clusters: LocalCluster[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

async function startCluster(algorithm: string, nodeArgs: string[] = []): Promise<LocalCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-attack-'));
  const cluster = new LocalCluster({
    algorithm,
    nodes: 3,
    dataDir: dir,
    clusterId: `test-${path.basename(dir)}`,
    cohort: COHORT_ARGV,
    nodeArgs,
  });
  clusters.push(cluster);
  await cluster.start();
  return cluster;
}

async function api<T>(cluster: LocalCluster, id: number, route: string): Promise<T | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${cluster.apiPort(id)}${route}`, {
      headers: bearer(cluster.apiToken(id)),
    });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

async function rejectedBy(cluster: LocalCluster, id: number): Promise<Record<string, number>> {
  const status = await api<{ transport: { rejectedBy: Record<string, number> } }>(
    cluster,
    id,
    '/status',
  );
  return status?.transport.rejectedBy ?? {};
}

/** Resident memory of a process, in bytes (Linux). */
function rssBytes(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? Number.NaN) * 1024;
}

function pidOf(cluster: LocalCluster, id: number): number {
  return cluster.status().find((s) => s.id === id)?.pid as number;
}

/** Connects to a node's peer port, writes `bytes`; resolves when the node closes it. */
function attack(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    sockets.push(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

function hello(from: number, to: number): Record<string, unknown> {
  return { kind: 'hello', protocol: PROTOCOL_VERSION, cluster: '', from, to, nonce: freshNonce() };
}

/**
 * Says hello as node `from` to node `to`, waits for the welcome, then sends `messages`,
 * with a guessed proof first or (`proof: false`) without one. Resolves when refused.
 */
function forge(
  cluster: LocalCluster,
  from: number,
  to: number,
  messages: readonly object[],
  proof: boolean,
): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: cluster.port(to) }, () => {
      socket.write(encodeFrame({ ...hello(from, to), cluster: cluster.o.clusterId }));
    });
    sockets.push(socket);
    socket.once('data', () => {
      const guess = proof ? [encodeFrame({ kind: 'proof', mac: freshNonce() })] : [];
      socket.write(Buffer.concat([...guess, ...messages.map((m) => encodeFrame(m))]));
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

const FORGED_TERM = 1_000_000_000; // Valid (unlike 2^53−1), so only authentication stops it.

describe('attacks on a consensus/raft cluster of real processes', () => {
  it('forged peers, an oversized frame and partial frames are refused', async () => {
    const cluster = await startCluster('consensus/raft');
    const leader = await leaderOf(cluster);
    const client = new KvClient(cluster, 301);
    for (let i = 0; i < 5; i++) {
      expect((await client.run({ type: 'put', key: 'x', value: `v${i}` }))?.ok).toBe(true);
    }
    const followers = cluster.ids.filter((id) => id !== leader);
    for (const to of followers) {
      const s = (await raftStateOf(cluster, to)) as RaftNodeState;
      const entry = {
        index: s.commitIndex + 1,
        term: s.term,
        kind: 'command',
        command: { type: 'put', key: 'x', value: 'FORGED', client: 666, seq: 1 },
      };
      const forged = [
        { type: 'Heartbeat', term: 2 ** 53 - 1, commit: 0, commitTerm: 0, round: 0 },
        { type: 'Heartbeat', term: FORGED_TERM, commit: 0, commitTerm: 0, round: 0 },
        {
          type: 'AppendEntries',
          term: s.term,
          prevLogIndex: s.commitIndex,
          prevLogTerm: s.term,
          entries: [entry],
          leaderCommit: s.commitIndex + 1,
        },
      ];
      await forge(cluster, leader, to, forged, false);
      await forge(cluster, leader, to, forged, true);
    }
    // 16 MB before the handshake, to the leader: refused from the length header alone.
    const pid = pidOf(cluster, leader);
    const before = rssBytes(pid);
    const huge = Buffer.alloc(4 + (16 << 20), 0x61);
    huge.writeUInt32BE(16 << 20, 0);
    await attack(cluster.port(leader), huge);
    // Forty connections on partial frames: a huge header with half its payload, or a hello
    // and then a partial frame within the handshake's bound (held until the timeout).
    const partial = Buffer.alloc(4 + (8 << 20), 0x62);
    partial.writeUInt32BE(16 << 20, 0);
    const withinBound = Buffer.concat([
      encodeFrame({ ...hello(followers[0] as number, leader), cluster: cluster.o.clusterId }),
      Buffer.from([0, 0, 3, 0xe8]), // A 1000-byte frame …
      Buffer.alloc(500, 0x63), // … half sent.
    ]);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        attack(cluster.port(leader), i % 2 === 0 ? partial : withinBound),
      ),
    );
    const after = rssBytes(pid);
    expect(after - before).toBeLessThan(200 << 20);
    const rejected = await rejectedBy(cluster, leader);
    expect(rejected['oversized-frame']).toBeGreaterThanOrEqual(21);
    expect(rejected['handshake-timeout']).toBeGreaterThanOrEqual(20);
    process.stderr.write(`leader RSS ${before >> 20} MB → ${after >> 20} MB after the floods\n`);
    // The cluster still has a leader at a small term, and commits continue.
    await leaderOf(cluster);
    expect((await client.run({ type: 'put', key: 'x', value: 'after' }))?.ok).toBe(true);
    expect((await client.run({ type: 'get', key: 'x' }))?.value).toBe('after');
    for (const id of cluster.ids) {
      const state = await api<{ state: RaftNodeState }>(cluster, id, '/state');
      expect(state?.state.term).toBeLessThan(FORGED_TERM);
      expect(JSON.stringify(state)).not.toContain('FORGED');
    }
    for (const to of followers) {
      expect(await rejectedBy(cluster, to)).toMatchObject({ 'bad-handshake': 1, 'bad-mac': 1 });
    }
    const log = fs.readFileSync(path.join(cluster.o.dataDir, `node-${followers[0]}.log`), 'utf8');
    expect(log).toMatch(/"level":40.*"remote":"127\.0\.0\.1:\d+".*"reason":"bad-mac"/);
  });
});

describe('attacks on a mutex/ricart-agrawala cluster of real processes', () => {
  it('forged OK messages are refused: never two nodes in the critical section', async () => {
    const REQUESTS = 10;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-attack-ra-'));
    const log = path.join(dir, 'critical-sections.jsonl');
    const cluster = await startCluster('mutex/ricart-agrawala', [
      '--outputs-file',
      log,
      '--option',
      `requests=${REQUESTS}`,
    ]);
    const served = async (id: number) =>
      (await api<{ state: { served?: number } }>(cluster, id, '/state'))?.state.served ?? 0;
    let done = false;
    let rounds = 0;
    const flood = (async () => {
      // Every node hears forged OKs from both others, over and over, until all are served.
      while (!done) {
        for (const to of cluster.ids) {
          for (const from of cluster.ids) {
            if (from === to) continue;
            // An OK counts only for the request's Lamport time: cover every likely one.
            const oks = Array.from({ length: 300 }, (_, ts) => ({ type: 'OK', ts: ts + 1 }));
            await forge(cluster, from, to, oks, rounds % 2 === 0);
          }
        }
        rounds++;
      }
    })();
    for (const id of cluster.ids) {
      await until(async () => (await served(id)) === REQUESTS, `node ${id} served`, 180_000);
    }
    done = true;
    await flood;
    expect(rounds).toBeGreaterThan(0);
    expect(checkMutexLog(log).violations).toEqual([]);
    for (const id of cluster.ids) {
      const rejected = await rejectedBy(cluster, id);
      expect((rejected['bad-mac'] ?? 0) + (rejected['bad-handshake'] ?? 0)).toBeGreaterThan(0);
    }
  });
});
