// What a real `cohort node` exposes, and how `cohort cluster` reports a node that cannot
// start (issue 14, items 8 and 9), on real processes run from source:
// - a --peers address beyond loopback is bad usage (exit 2, one line naming the flag) unless
//   --allow-non-loopback is given, which starts the node with a warning; the API token of a
//   node without a data directory lives in a private temporary directory (0600), named in
//   the ready line and removed at a clean stop;
// - `cohort cluster restart N` of a node whose stored state makes its start step fail exits
//   1 with one line naming the node's log, where it used to print "restart: ok".
// Outcomes only: the limits turn a hang into a failure, they measure nothing.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer } from '../src/runtime/api-token.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';
import { openWalStorage } from '../src/runtime/wal/index.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...CLI] = COHORT_ARGV as [string, ...string[]];
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function cohort(...args: string[]) {
  return spawnSync(NODE, [...CLI, ...args], { encoding: 'utf8' });
}

function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-exposure-'));
  dirs.push(dir);
  return dir;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('cohort node: listening beyond loopback', () => {
  it('refuses a non-loopback --peers address without --allow-non-loopback (exit 2, one line)', () => {
    const out = cohort(
      'node',
      '--algorithm',
      'consensus/raft',
      '--id',
      '1',
      '--peers',
      '1=0.0.0.0:7001,2=127.0.0.1:7002,3=127.0.0.1:7003',
      '--storage',
      'memory',
    );
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    const lines = out.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('0.0.0.0:7001');
    expect(lines[0]).toContain('--allow-non-loopback');
  });

  it('with the flag it starts and warns; the API stays on 127.0.0.1 behind its token', async () => {
    const port = await freePort();
    const child = spawn(
      NODE,
      [
        ...CLI,
        'node',
        '--algorithm',
        'consensus/raft',
        '--id',
        '1',
        '--peers',
        `1=0.0.0.0:${port}`,
        '--storage',
        'memory',
        '--insecure-peers',
        '--allow-non-loopback',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const ready = await new Promise<{ apiPort: number; apiTokenFile: string }>(
      (resolve, reject) => {
        readline
          .createInterface({ input: child.stdout as NodeJS.ReadableStream })
          .on('line', (l) => {
            resolve(JSON.parse(l));
          });
        child.once('exit', (code) => reject(new Error(`node exited (${code}): ${stderr}`)));
      },
    );
    expect(stderr).toContain('reachable from the network');
    expect(path.dirname(ready.apiTokenFile).startsWith(os.tmpdir())).toBe(true);
    expect(fs.statSync(ready.apiTokenFile).mode & 0o777).toBe(0o600);
    const token = fs.readFileSync(ready.apiTokenFile, 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const api = `http://127.0.0.1:${ready.apiPort}/status`;
    expect((await fetch(api)).status).toBe(401);
    const status = await fetch(api, { headers: bearer(token) });
    expect(status.status).toBe(200);
    // The API is on loopback only, whatever --peers says for the peer port.
    const beyond = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
    if (beyond !== undefined) {
      const refused = await fetch(`http://${beyond.address}:${ready.apiPort}/status`).then(
        () => false,
        () => true,
      );
      expect(refused).toBe(true);
    }
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(fs.existsSync(path.dirname(ready.apiTokenFile))).toBe(false);
  });
});

/** Node `id`'s commit index through its API (with its token), or -1 when it does not answer. */
async function commitIndexOf(dir: string, id: number): Promise<number> {
  try {
    const status = JSON.parse(cohort('cluster', 'status', '--json', '--data-dir', dir).stdout) as {
      nodes: { id: number; apiPort: number }[];
    };
    const apiPort = status.nodes.find((n) => n.id === id)?.apiPort;
    const token = fs.readFileSync(path.join(dir, `node-${id}`, 'api.token'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${apiPort}/state`, { headers: bearer(token) });
    return ((await res.json()) as { state: { commitIndex: number } }).state.commitIndex;
  } catch {
    return -1;
  }
}

describe('cohort cluster restart', () => {
  it('exits 1 with one line naming the log when the node dies on start', async () => {
    const dir = scratch();
    const up = spawn(
      NODE,
      [...CLI, 'cluster', 'up', '--algorithm', 'consensus/raft', '--nodes', '3', '--data-dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(up);
    await until(() => fs.existsSync(path.join(dir, 'cluster.json')), 'the cluster is up');
    expect(fs.statSync(path.join(dir, 'control.token')).mode & 0o777).toBe(0o600);
    expect(cohort('cluster', 'status', '--data-dir', dir).status).toBe(0);
    await until(async () => (await commitIndexOf(dir, 2)) >= 1, 'node 2 holding an entry');
    expect(cohort('cluster', 'kill', '2', '--data-dir', dir).status).toBe(0);
    // A stored log with a gap: node 2's start step fails while loading it.
    const wal = await openWalStorage(path.join(dir, 'node-2'));
    const keys = wal.keys('log/');
    const width = (keys[0] as string).length - 'log/'.length;
    const gapIndex = keys.length + 5;
    const key = `log/${String(gapIndex).padStart(width, '0')}`;
    wal.set(key, { index: gapIndex, term: 1, kind: 'noop' });
    wal.endStep();
    await wal.sync();
    await wal.close();
    const restart = cohort('cluster', 'restart', '2', '--data-dir', dir);
    expect(restart.status).toBe(1);
    expect(restart.stdout).toBe('');
    const lines = restart.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/node 2 did not start: .*node-2\.log/);
    const status = cohort('cluster', 'status', '--json', '--data-dir', dir);
    const nodes = (JSON.parse(status.stdout) as { nodes: { id: number; up: boolean }[] }).nodes;
    expect(nodes.map((n) => n.up)).toEqual([true, false, true]);
    expect(cohort('cluster', 'down', '--data-dir', dir).status).toBe(0);
    expect(await exited(up)).toBe(0);
  });
});
