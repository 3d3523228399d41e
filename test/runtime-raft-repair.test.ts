// consensus/raft across real processes: a follower whose durable state went backwards
// (issue 14 item 7). A follower of a 3-node cluster is stopped, and either its write-ahead
// log is cut back to an earlier record boundary (found with the WAL's own record reader,
// so the cut is a clean end, not a torn tail) or its data directory is wiped; it restarts
// while a client keeps writing. Before the fix it stayed at commit 0 for minutes while the
// leader kept its old matchIndex; now the leader notices, logs `follower-log-lost` at warn and
// re-replicates, and the follower's commit index reaches the leader's.
// Outcomes only: the limits turn a hang into a failure, they measure nothing.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { afterEach, describe, expect, it } from 'vitest';
import { readStepRecord } from '../src/core/step-record.js';
import { LocalCluster } from '../src/runtime/launcher/local-cluster.js';
import { until } from '../src/runtime/testing/wait.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { KvClient } from './support/kv-client.js';
import { leaderOf, raftStateOf } from './support/raft-state.js';

const clusters: LocalCluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

async function startCluster(snapshotEntries: number): Promise<LocalCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-raft-repair-'));
  const cluster = new LocalCluster({
    algorithm: 'consensus/raft',
    nodes: 3,
    dataDir: dir,
    clusterId: `test-${path.basename(dir)}`,
    cohort: COHORT_ARGV,
    nodeArgs: ['--option', `snapshotEntries=${snapshotEntries}`],
  });
  clusters.push(cluster);
  await cluster.start();
  return cluster;
}

/**
 * Cuts the node's last WAL segment back to the boundary before its middle record: the
 * steps after it (acknowledged to the leader) are gone, as after a lost disk cache or a
 * `--repair` that dropped them. Returns how many records were cut.
 */
function cutWal(dir: string): number {
  const segments = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.wal'))
    .sort();
  const last = path.join(dir, segments.at(-1) as string);
  const bytes = new Uint8Array(fs.readFileSync(last));
  const boundaries: number[] = [];
  for (let at = 0; ; ) {
    const r = readStepRecord(bytes, at, crc32c);
    if (r.kind !== 'ok') break;
    boundaries.push(at);
    at = r.next;
  }
  expect(boundaries.length).toBeGreaterThan(4);
  const keep = Math.floor(boundaries.length / 2);
  fs.truncateSync(last, boundaries[keep]);
  return boundaries.length - keep;
}

const put = (i: number) => ({ type: 'put', key: `k${i % 5}`, value: `v${i}` }) as const;

describe('consensus/raft across real processes: a follower whose log went backwards', () => {
  // Without compaction (snapshotEntries 0) the leader must notice the loss and re-send
  // entries from the follower's log end; the old code never did (a snapshot, once
  // compaction passed the stale matchIndex, was what eventually unstuck it). With 16 the
  // leader's snapshot covers the stale matchIndex: a rejection may send it before a
  // heartbeat proves the loss, which repairs the follower as well, so only catching up is
  // required there.
  it.each([
    ['cut', 0],
    ['wiped', 0],
    ['wiped', 16],
  ] as const)(
    'catches up with the leader after its write-ahead log was %s (snapshotEntries %i)',
    async (how, snapshotEntries) => {
      const cluster = await startCluster(snapshotEntries);
      const leader = await leaderOf(cluster);
      const client = new KvClient(cluster, 301);
      for (let i = 0; i < 40; i++) expect((await client.run(put(i)))?.ok).toBe(true);
      const follower = cluster.ids.find((id) => id !== leader) as number;
      await until(
        async () => ((await raftStateOf(cluster, follower))?.commitIndex ?? 0) >= 40,
        'the follower holds the writes',
      );
      await cluster.kill(follower);
      const dir = path.join(cluster.o.dataDir, `node-${follower}`);
      if (how === 'cut') expect(cutWal(dir)).toBeGreaterThan(0);
      else fs.rmSync(dir, { recursive: true, force: true });
      for (let i = 40; i < 50; i++) expect((await client.run(put(i)))?.ok).toBe(true);
      await cluster.restart(follower);
      let done = false;
      const writing = (async () => {
        for (let i = 50; !done; i++) await client.run(put(i));
      })();
      try {
        await until(async () => {
          const target = (await raftStateOf(cluster, leader))?.commitIndex ?? 0;
          return ((await raftStateOf(cluster, follower))?.commitIndex ?? 0) >= target;
        }, 'the follower caught up with the leader');
      } finally {
        done = true;
        await writing;
      }
      if (snapshotEntries > 0) return;
      const log = fs.readFileSync(path.join(cluster.o.dataDir, `node-${leader}.log`), 'utf8');
      // Logged at warn (pino level 40): a disk lost acknowledged data.
      const lost = new RegExp(
        `^\\{"level":40,.*"type":"follower-log-lost".*"follower":${follower}`,
        'm',
      );
      expect(log).toMatch(lost);
    },
    120_000,
  );
});
