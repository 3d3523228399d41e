// Locks and elections as existing clients do them, against a real etcd 3.4 and Cohort's
// server (every kind in API_SERVERS): etcdctl 3.4's `lock` and `elect` (clientv3's Mutex and
// Election recipes over KV, Lease and Watch) as real processes, and the etcd3 npm package's
// Lock and Election. Mutual exclusion is checked where the holders write: each holder of
// `etcdctl lock` appends "in"/"out" to one file, and every "in" must be followed by its own
// "out" before the next "in"; the etcd3 holders run in this process and count themselves.
//
// Fault model: a holder or leader that goes away (SIGINT: etcdctl releases and exits).

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3, EtcdLockFailedError } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { RecipeRpc } from './support/recipe-rpc.js';

const ETCDCTL = '/usr/bin/etcdctl';

interface Ctl {
  readonly child: ChildProcess;
  out: string;
  readonly exited: Promise<number | null>;
}

/** An etcdctl process whose stdout accumulates in `out`. */
function etcdctl(endpoint: string, args: readonly string[]): Ctl {
  const child = spawn(ETCDCTL, ['--endpoints', endpoint, ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ctl: Ctl = {
    child,
    out: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    ctl.out += chunk.toString('utf8');
  });
  child.stderr?.resume();
  return ctl;
}

/** Interrupts a process we started (etcdctl unlocks or resigns, then exits). */
async function interrupt(ctl: Ctl): Promise<number | null> {
  if (ctl.child.pid !== undefined && ctl.child.exitCode === null) ctl.child.kill('SIGINT');
  return ctl.exited;
}

const hex = /^[0-9a-f]+$/;

describe.each(API_SERVERS)(
  'locks and elections of etcdctl and etcd3 against $kind',
  ({ start }) => {
    let server: ApiServer;
    let endpoint: string;
    let rpc: RecipeRpc;
    let client: Etcd3;
    let dir: string;
    const running: Ctl[] = [];
    const ctl = (args: readonly string[]) => {
      const c = etcdctl(endpoint, args);
      running.push(c);
      return c;
    };

    beforeAll(async () => {
      server = await start({ members: 1 });
      endpoint = server.endpoints[0] as string;
      rpc = new RecipeRpc(endpoint);
      client = new Etcd3({ hosts: endpoint });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-locks-'));
    });
    afterAll(async () => {
      await Promise.all(running.map(interrupt));
      client?.close();
      rpc?.close();
      await server?.stop();
      if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('etcdctl lock: a second holder waits until the first exits', async () => {
      const first = ctl(['lock', 'mylock']);
      await until(() => first.out.includes('\n'), 'the first holder to print its key');
      const [key] = first.out.split('\n');
      expect(key?.startsWith('mylock/')).toBe(true);
      expect(key?.slice('mylock/'.length)).toMatch(hex);
      const second = ctl(['lock', 'mylock']);
      await until(async () => (await rpc.keys('mylock/')).length === 2, 'the second to queue');
      expect(second.out).toBe('');
      expect(await interrupt(first)).toBe(0);
      await until(() => second.out.includes('\n'), 'the second holder to print its key');
      expect(second.out.split('\n')[0]).not.toBe(key);
      expect(await interrupt(second)).toBe(0);
      expect(await rpc.keys('mylock/')).toEqual([]);
    });

    it('etcdctl lock <cmd>: four processes run their critical sections one at a time', async () => {
      const log = path.join(dir, 'critical.log');
      const script = path.join(dir, 'critical.sh');
      // Widen the critical section so an overlap would show; the check is the file's order.
      fs.writeFileSync(
        script,
        `#!/bin/sh\necho "in $ETCD_LOCK_KEY $ETCD_LOCK_REV" >> ${log}\nsleep 0.2\necho "out $ETCD_LOCK_KEY" >> ${log}\n`,
        { mode: 0o755 },
      );
      const holders = [0, 1, 2, 3].map(() => ctl(['lock', 'crit', script]));
      expect(await Promise.all(holders.map((h) => h.exited))).toEqual([0, 0, 0, 0]);
      const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(8);
      const revisions: number[] = [];
      for (let i = 0; i < lines.length; i += 2) {
        const [inWord, inKey, rev] = (lines[i] as string).split(' ');
        const [outWord, outKey] = (lines[i + 1] as string).split(' ');
        expect([inWord, outWord]).toEqual(['in', 'out']);
        expect(outKey).toBe(inKey);
        revisions.push(Number(rev));
      }
      expect(
        new Set(lines.filter((l) => l.startsWith('in')).map((l) => l.split(' ')[1])).size,
      ).toBe(4);
      expect([...revisions].sort((x, y) => x - y)).toEqual(revisions);
      expect(await rpc.keys('crit/')).toEqual([]);
    });

    it('etcdctl elect: the observer sees each leader; a candidate waits for resignation', async () => {
      const observer = ctl(['elect', '-l', 'myelection']);
      const p1 = ctl(['elect', 'myelection', 'p1']);
      await until(() => p1.out.split('\n').length >= 3, 'p1 to be elected');
      const [key1, value1] = p1.out.split('\n');
      expect(key1?.startsWith('myelection/')).toBe(true);
      expect(value1).toBe('p1');
      const p2 = ctl(['elect', 'myelection', 'p2']);
      await until(async () => (await rpc.keys('myelection/')).length === 2, 'p2 to queue');
      expect(p2.out).toBe('');
      expect(await interrupt(p1)).toBe(0);
      await until(() => p2.out.split('\n').length >= 3, 'p2 to be elected');
      expect(p2.out.split('\n')[1]).toBe('p2');
      await until(() => observer.out.includes('\np2\n'), 'the observer to see p2');
      const seen = observer.out.trim().split('\n');
      expect(seen.filter((_, i) => i % 2 === 1)).toEqual(['p1', 'p2']);
      expect(await interrupt(p2)).toBe(0);
      expect(await interrupt(observer)).toBe(0);
    });

    it('etcd3 locks: never two holders; a held lock refuses with EtcdLockFailedError', async () => {
      let holders = 0;
      let most = 0;
      let refused = 0;
      const worker = async (w: number) => {
        for (let round = 0; round < 3; ) {
          try {
            await client.lock('etcd3-lock').do(async () => {
              holders++;
              most = Math.max(most, holders);
              await client.put(`etcd3-work/${w}`).value(String(round));
              await client.get(`etcd3-work/${w}`);
              holders--;
            });
            round++;
          } catch (error) {
            if (!(error instanceof EtcdLockFailedError)) throw error;
            refused++;
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      };
      await Promise.all([0, 1, 2].map(worker));
      expect(most).toBe(1);
      expect(refused).toBeGreaterThan(0);
      expect(await client.getAll().prefix('etcd3-lock').keys()).toEqual([]);
    });

    it('etcd3 elections: campaign, proclaim, observe, resign hands over', async () => {
      const election = client.election('etcd3-election');
      const a = election.campaign('a1');
      await a.wait();
      const observer = await election.observe();
      const changes: (string | undefined)[] = [];
      observer.on('change', (v) => changes.push(v));
      expect(observer.leader()).toBe('a1');
      expect(await election.leader()).toBe('a1');
      const b = election.campaign('b1');
      let bElected = false;
      b.on('elected', () => {
        bElected = true;
      });
      await until(
        async () => (await client.getAll().prefix('election/etcd3-election/').keys()).length === 2,
        'b to campaign',
      );
      await a.proclaim('a2');
      await until(() => changes.includes('a2'), 'the observer to see a2');
      expect(bElected).toBe(false);
      await a.resign();
      await b.wait();
      expect(await election.leader()).toBe('b1');
      await until(() => changes.includes('b1'), 'the observer to see b1');
      expect(changes.filter((v) => v !== undefined)).toEqual(['a2', 'b1']);
      await observer.cancel();
      await b.resign();
    });
  },
);
