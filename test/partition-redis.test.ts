// Redis Cluster's hash slots and slot layout, checked against a real redis-server
// (/usr/bin/redis-server, Debian's): `CLUSTER KEYSLOT` needs cluster mode, so the test starts
// cluster-enabled instances on free loopback ports, each in its own temporary directory, and
// compares keyHashSlot with the server's answer on thousands of random keys — text, binary
// bytes, and hash tags in every position — and assignSlots with the layout `redis-cli
// --cluster create` gives five masters. A missing redis-server fails the test (as in CI).
//
// Fault model: an instance that exits is reported with its log; every process started here is
// killed by its pid in afterAll, and the directories are removed.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignSlots, keyHashSlot, slotRanges } from '../src/cluster/partition/index.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';
import { pingsBack, REDIS_BIN } from './support/redis.js';

const REDIS_CLI = '/usr/bin/redis-cli';

interface Instance {
  readonly port: number;
  readonly child: ChildProcess;
  log: string;
}

let dir = '';
const instances: Instance[] = [];

async function startClusterNode(): Promise<Instance> {
  const port = await freePort();
  const home = join(dir, String(port));
  mkdirSync(home);
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', home, '--save', ''],
    ...['--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
    ...['--daemonize', 'no', '--logfile', '', '--loglevel', 'warning'],
  ];
  const child = spawn(REDIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const instance: Instance = { port, child, log: '' };
  const keep = (chunk: Buffer) => {
    instance.log = (instance.log + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  instances.push(instance);
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${instance.log}`);
    return pingsBack(port);
  }, `redis-server on ${port} to answer PING`);
  return instance;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cohort-partition-redis-'));
});

afterAll(async () => {
  for (const { child } of instances) {
    if (child.pid === undefined || child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('keyHashSlot against CLUSTER KEYSLOT', () => {
  it('agrees on thousands of random keys: text, binary and hash tags', async () => {
    const node = await startClusterNode();
    const redis = new Redis({ port: node.port, host: '127.0.0.1', lazyConnect: true });
    await redis.connect();
    try {
      const part = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('{', '}', '{}', '{user1000}', '}{', '{{', 'é', '\u0000'),
      );
      const text = fc.array(part, { maxLength: 6 }).map((parts) => Buffer.from(parts.join('')));
      const binary = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
      const keys = [
        ...['foo', 'bar', 'hello', '{user1000}.following', '{user1000}.followers', ''].map((k) =>
          Buffer.from(k),
        ),
        ...fc.sample(text, { numRuns: 3000, seed: 19 }),
        ...fc.sample(binary, { numRuns: 2000, seed: 20 }),
      ];
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.call('CLUSTER', 'KEYSLOT', key);
      const replies = (await pipeline.exec()) ?? [];
      const differ = keys.flatMap((key, i) => {
        const [error, slot] = replies[i] ?? [new Error('no reply'), null];
        if (error !== null) return [`${key.toString('hex')}: ${error.message}`];
        return slot === keyHashSlot(key) ? [] : [`${key.toString('hex')}: redis ${slot}`];
      });
      expect(replies).toHaveLength(keys.length);
      expect(differ).toEqual([]);
      expect(keyHashSlot('foo')).toBe(12182);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});

describe('assignSlots against redis-cli --cluster create', () => {
  it('lays out five masters exactly as redis-cli does', async () => {
    const nodes: Instance[] = [];
    for (let i = 0; i < 5; i++) nodes.push(await startClusterNode());
    const created = spawnSync(
      REDIS_CLI,
      ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(created.status, created.stdout + created.stderr).toBe(0);
    const table = assignSlots(nodes.map((n) => String(n.port)));
    for (const [i, node] of nodes.entries()) {
      const redis = new Redis({ port: node.port, host: '127.0.0.1', lazyConnect: true });
      await redis.connect();
      try {
        const id = (await redis.call('CLUSTER', 'MYID')) as string;
        const shards = (await redis.call('CLUSTER', 'SLOTS')) as [
          number,
          number,
          [string, number, string],
        ][];
        const mine = shards
          .filter((s) => s[2][2] === id)
          .map(([start, end]) => ({ start, end }))
          .sort((a, b) => a.start - b.start);
        expect(mine).toEqual(slotRanges(table, i));
      } finally {
        redis.disconnect();
      }
    }
  }, 120_000);
});
