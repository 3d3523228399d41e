// Snapshots that etcd's own tools read (issue 16), with real processes: the same history
// (puts, overwrites, deletes, a lease with keys, a compaction, hundreds of keys and a value
// spanning overflow pages) is written to a real etcd 3.4.23 and to `cohort serve` through the
// typed client, with the same lease id, so the two stores are byte for byte the same. Then:
// - HashKV and `etcdctl snapshot status` agree between them (revision, total keys; the hash
//   differs only by the members bucket, which names different member ids);
// - Cohort's snapshot (`etcdctl snapshot save`) restored by `etcdctl snapshot restore` starts
//   a real etcd that serves identical `get --prefix -w json` kvs, lease and HashKV;
// - the same file restored by `cohort snapshot restore` starts a `cohort serve` that does too;
// - real etcd's snapshot restored by `cohort snapshot restore` does too (the reverse);
// - `cohort snapshot status` prints what `etcdctl snapshot status` prints.
//
// Fault model: none injected; processes are ours and stopped at the end.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, connect } from '../src/client/index.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { CohortServer } from './support/cohort-server.js';
import { EtcdCluster, type PreparedMember } from './support/etcd.js';
import { ETCDCTL, etcdctl } from './support/etcdctl.js';

const LEASE_ID = 0x1234_5678_9abc_def0n;
const KEYS = 400;

interface Running {
  readonly endpoints: string[];
  stop(): Promise<void>;
}

function run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [command, ...args] = argv as [string, ...string[]];
    execFile(
      command,
      args,
      { env: { ...process.env, ETCDCTL_API: '3' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The same history on any server: revisions 2 … KEYS + 9. */
async function writeHistory(endpoint: string): Promise<void> {
  const client: Client = await connect({ endpoints: [endpoint] });
  try {
    await client.put('a', '1');
    await client.put('b', '2');
    await client.put('a', '3');
    await client.delete('b');
    await client.grant(600, { id: LEASE_ID });
    await client.put('c', '4', { lease: LEASE_ID });
    await client.put('d', '5');
    await client.compact(4);
    await client.put('big', 'x'.repeat(100_000));
    for (let i = 0; i < KEYS; i++) await client.put(`many/${String(i).padStart(4, '0')}`, `v${i}`);
    await client.delete('many/0001');
  } finally {
    client.close();
  }
}

/** What a person compares: every key's full KeyValue, the leases, HashKV. */
async function contents(endpoint: string) {
  const get = await etcdctl(endpoint, ['get', '', '--prefix', '-w', 'json']);
  expect(get.code).toBe(0);
  const { kvs, header } = JSON.parse(get.stdout) as {
    kvs: unknown[];
    header: { revision: number };
  };
  const leases = await etcdctl(endpoint, ['lease', 'list']);
  const hashkv = await etcdctl(endpoint, ['endpoint', 'hashkv', '-w', 'json']);
  const [{ HashKV }] = JSON.parse(hashkv.stdout) as [{ HashKV: Record<string, unknown> }];
  const old = await etcdctl(endpoint, ['get', 'b', '--rev', '4', '-w', 'json']);
  return {
    revision: header.revision,
    kvs,
    leases: leases.stdout,
    hashKV: HashKV.hash,
    compactRevision: HashKV.compact_revision,
    bAt4: (JSON.parse(old.stdout) as { kvs?: unknown[] }).kvs,
  };
}

async function save(endpoint: string, file: string): Promise<void> {
  const r = await etcdctl(endpoint, ['snapshot', 'save', file], undefined, 60_000);
  expect(r.code, r.stderr).toBe(0);
}

async function status(tool: 'etcdctl' | 'cohort', file: string) {
  const argv = tool === 'etcdctl' ? [ETCDCTL] : [...COHORT_ARGV];
  const r = await run([...argv, 'snapshot', 'status', file, '-w', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as {
    hash: number;
    revision: number;
    totalKey: number;
    totalSize: number;
  };
}

function restoreWith(tool: 'etcdctl' | 'cohort', file: string) {
  return async (m: PreparedMember) => {
    const argv = tool === 'etcdctl' ? [ETCDCTL] : [...COHORT_ARGV];
    const r = await run([
      ...argv,
      ...['snapshot', 'restore', file, '--data-dir', m.dataDir, '--name', m.name],
      ...['--initial-cluster', m.initialCluster, '--initial-advertise-peer-urls', m.peerUrl],
      ...['--initial-cluster-token', m.token],
    ]);
    if (r.code !== 0) throw new Error(`${tool} snapshot restore: ${r.stderr}`);
  };
}

describe('etcd-compatible snapshots between etcd 3.4 and cohort serve', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-snapshot-'));
  const cohortFile = path.join(dir, 'cohort.db');
  const etcdFile = path.join(dir, 'etcd.db');
  const running: Running[] = [];
  let cohortContents: Awaited<ReturnType<typeof contents>>;
  let etcdContents: Awaited<ReturnType<typeof contents>>;

  beforeAll(async () => {
    const cohort = await CohortServer.start();
    running.push(cohort);
    const etcd = await EtcdCluster.start();
    running.push(etcd);
    await writeHistory(cohort.endpoints[0] as string);
    await writeHistory(etcd.endpoints[0] as string);
    cohortContents = await contents(cohort.endpoints[0] as string);
    etcdContents = await contents(etcd.endpoints[0] as string);
    await save(cohort.endpoints[0] as string, cohortFile);
    await save(etcd.endpoints[0] as string, etcdFile);
  }, 180_000);

  afterAll(async () => {
    for (const r of running) await r.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function started(server: Promise<Running>) {
    const s = await server;
    running.push(s);
    return contents(s.endpoints[0] as string);
  }

  it('the same history gives etcd and Cohort the same store and HashKV', () => {
    expect(cohortContents.revision).toBe(KEYS + 9);
    expect(cohortContents).toEqual(etcdContents);
  });

  it('etcdctl snapshot status reads both files alike (hash aside: members differ)', async () => {
    const [cohort, etcd] = [await status('etcdctl', cohortFile), await status('etcdctl', etcdFile)];
    expect(cohort.revision).toBe(etcd.revision);
    expect(cohort.totalKey).toBe(etcd.totalKey);
    // cohort snapshot status prints etcdctl's fields, for both files.
    expect(await status('cohort', cohortFile)).toEqual(cohort);
    expect(await status('cohort', etcdFile)).toEqual(etcd);
  });

  it("etcdctl snapshot restore of Cohort's snapshot starts a real etcd serving the same", async () => {
    const restored = await started(
      EtcdCluster.start({ prepare: restoreWith('etcdctl', cohortFile) }),
    );
    expect(restored).toEqual(cohortContents);
  }, 120_000);

  it("cohort snapshot restore of Cohort's snapshot starts cohort serve serving the same", async () => {
    const restored = await started(
      CohortServer.start({ prepare: restoreWith('cohort', cohortFile) }),
    );
    expect(restored).toEqual(cohortContents);
  }, 120_000);

  it("cohort snapshot restore of etcd's snapshot starts cohort serve serving the same", async () => {
    const restored = await started(
      CohortServer.start({ prepare: restoreWith('cohort', etcdFile) }),
    );
    expect(restored).toEqual(etcdContents);
  }, 120_000);

  it('three members restored from one file agree, and the restored cluster takes writes', async () => {
    const server = await CohortServer.start({
      members: 3,
      prepare: restoreWith('cohort', cohortFile),
    });
    running.push(server);
    for (const endpoint of server.endpoints)
      expect(await contents(endpoint)).toEqual(cohortContents);
    const put = await etcdctl(server.endpoints[1] as string, [
      'put',
      'after',
      'restore',
      '-w',
      'json',
    ]);
    const { header } = JSON.parse(put.stdout) as { header: { revision: number } };
    expect(header.revision).toBe(cohortContents.revision + 1);
  }, 120_000);

  it('refuses a file with a bad checksum, a corrupt file and an existing data dir', async () => {
    const bad = path.join(dir, 'bad.db');
    const bytes = fs.readFileSync(cohortFile);
    // Both meta pages' magic: no valid meta (the SHA-256 trailer no longer matches either).
    for (const at of [16, 4096 + 16]) bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    fs.writeFileSync(bad, bytes);
    const restore = (file: string, dataDir: string, ...more: string[]) =>
      run([...COHORT_ARGV, 'snapshot', 'restore', file, '--data-dir', dataDir, ...more]);
    const checksum = await restore(bad, path.join(dir, 'x1'));
    expect(checksum.code).toBe(2);
    expect(checksum.stderr).toMatch(/expected sha256/);
    const corrupt = await restore(bad, path.join(dir, 'x2'), '--skip-hash-check');
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/bolt file/);
    expect(fs.existsSync(path.join(dir, 'x2'))).toBe(false);
    fs.mkdirSync(path.join(dir, 'x3'));
    const exists = await restore(cohortFile, path.join(dir, 'x3'));
    expect(exists.code).toBe(2);
    expect(exists.stderr).toMatch(/exists/);
  });
});
