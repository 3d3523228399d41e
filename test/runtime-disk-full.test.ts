// A real full disk and a real read-only disk under one node of a 3-node consensus/raft
// cluster (issue 14, item 5). Node 1's data directory is a small tmpfs: filled up, the node
// must exit non-zero with ONE clear fatal line (no "stop failed", no stack trace, no zombie);
// once space is freed it starts again, recovers its log and catches up with the leader. Its
// data directory remounted read-only, it must refuse to start the same way.
//
// Needs root (mount). Outcomes only: the limits turn a hang into a failure.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster } from '../src/runtime/launcher/local-cluster.js';
import type { NodeExit } from '../src/runtime/launcher/node-process.js';
import { until } from '../src/runtime/testing/wait.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { KvClient } from './support/kv-client.js';
import { leaderOf, raftStateOf } from './support/raft-state.js';

const mounts: string[] = [];
const dirs: string[] = [];
const clusters: LocalCluster[] = [];

beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error('runtime-disk-full.test.ts mounts a tmpfs: run it as root');
});

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
  for (const dir of mounts.splice(0)) execFileSync('umount', [dir]);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Fills the file system holding `dir` with one file; returns its path. */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  for (;;) {
    // The last few bytes too, so the next page the WAL needs is not there.
    try {
      fs.appendFileSync(filler, Buffer.alloc(512, 1));
    } catch {
      return filler;
    }
  }
}

/** The fatal lines of a node's log since byte `from`. */
function fatalLines(logFile: string, from: number): string[] {
  return fs
    .readFileSync(logFile, 'utf8')
    .slice(from)
    .split('\n')
    .filter((line) => line.includes('"level":60'));
}

describe('a node on a failing disk', () => {
  it('stops cleanly when its disk is full, then starts again and catches up once freed; refuses a read-only disk', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-disk-full-'));
    dirs.push(dataDir);
    const nodeDir = path.join(dataDir, 'node-1');
    fs.mkdirSync(nodeDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', nodeDir]);
    mounts.push(nodeDir);
    const exits: { id: number; exit: NodeExit }[] = [];
    const cluster = new LocalCluster({
      algorithm: 'consensus/raft',
      nodes: 3,
      dataDir,
      clusterId: `test-${path.basename(dataDir)}`,
      cohort: COHORT_ARGV,
      onExit: (id, exit) => exits.push({ id, exit }),
    });
    clusters.push(cluster);
    await cluster.start();
    await leaderOf(cluster);
    const client = new KvClient(cluster, 301, 20_000);
    for (let i = 0; i < 5; i++)
      expect((await client.run({ type: 'put', key: 'x', value: `a${i}` }))?.ok).toBe(true);

    // Disk full: node 1 appends until the WAL needs a page that is not there.
    const logFile = path.join(dataDir, 'node-1.log');
    const filler = fill(nodeDir);
    let i = 0;
    await until(async () => {
      await client.run({ type: 'put', key: 'x', value: `b${i++}` });
      return exits.some((e) => e.id === 1);
    }, 'node 1 to exit on ENOSPC');
    expect(exits.find((e) => e.id === 1)?.exit).toEqual({ code: 1, signal: null });
    const fatal = fatalLines(logFile, 0);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(
      /storage failed: write-ahead log: .* failed: ENOSPC \(no space left on device\); node stopped/,
    );
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log).not.toMatch(/stop failed/);
    expect(log).not.toMatch(/\n\s+at /);

    // Space freed: the node starts again, recovers, and catches up with the leader.
    fs.rmSync(filler);
    for (let j = 0; j < 5; j++)
      expect((await client.run({ type: 'put', key: 'x', value: `c${j}` }))?.ok).toBe(true);
    await cluster.restart(1);
    const leader = await leaderOf(cluster);
    const target = (await raftStateOf(cluster, leader))?.commitIndex ?? Number.POSITIVE_INFINITY;
    await until(
      async () => ((await raftStateOf(cluster, 1))?.commitIndex ?? 0) >= target,
      'node 1 to catch up after its disk was freed',
    );

    // Read-only: the node refuses to start, with one clear line and no stack trace.
    await cluster.kill(1);
    execFileSync('mount', ['-o', 'remount,ro', nodeDir]);
    const before = fs.statSync(logFile).size;
    await expect(cluster.restart(1)).rejects.toThrow(/exited before it was ready/);
    expect(exits.at(-1)).toEqual({ id: 1, exit: { code: 1, signal: null } });
    const readOnly = fatalLines(logFile, before);
    expect(readOnly).toHaveLength(1);
    expect(readOnly[0]).toMatch(
      /storage failed: write-ahead log: .* failed: EROFS \(read-only file system\); node stopped/,
    );
    expect(fs.readFileSync(logFile, 'utf8').slice(before)).not.toMatch(/\n\s+at /);
  }, 180_000);
});
