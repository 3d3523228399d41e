// One conformance suite for every lock backend (issue 17), Hono-style:
//   runLockConformance({ name, create, worker, restart?, skip?: [{ reason, tests }] })
// `create()` makes a fresh LockBackend in this process (its own connection); `worker()` tells
// the child processes (test/support/lock-worker.ts) how to make theirs: a module exporting
// `createLockBackend(options)` and its JSON options. Both are called lazily, inside the tests,
// so the servers may be started by the caller's beforeAll. `restart()` restarts the backend's
// server(s) (the restart test is skipped without it).
//
// Checked: mutual exclusion under 32 concurrent clients in 4 processes (a shared log of enters
// and exits, checked for overlaps and for tokens growing in grant order); expiry after a
// holder is SIGKILLed; reentrancy by owner; strictly increasing fencing tokens; release of a
// lock someone else now holds refused (NotOwnerError); the backend restarted mid-test; an
// AbortSignal and a waitMs ending a wait (leaving nothing behind); read/write and semaphore
// variants; bad input refused with typed errors. A backend that lacks read/write or
// semaphores names them in `skip`, and the suite then checks that asking for them is refused
// with InvalidLockArgument instead.
//
// No timing thresholds: waits are bounded only to turn a hang into a failure. A test names
// its case in `skip` by its exact title.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidLockArgument, LockError } from '../../src/locks/errors.js';
import type { LockBackend, LockHandle } from '../../src/locks/lock.js';
import { using } from '../../src/locks/using.js';
import { until } from '../../src/runtime/testing/wait.js';
import type { WorkerJob } from './lock-worker.js';
import { checkMutexLog } from './mutex-log.js';

export interface LockConformanceOptions {
  readonly name: string;
  readonly create: () => Promise<LockBackend>;
  /** How a child process makes its backend: `module` exports createLockBackend(options). */
  readonly worker: () => { readonly module: string; readonly options: unknown };
  readonly restart?: () => Promise<void>;
  readonly skip?: readonly { readonly reason: string; readonly tests: readonly string[] }[];
  /** A TTL the tests let expire (default 1000 ms; a backend may round it up, as etcd does). */
  readonly shortTtlMs?: number;
}

export const LOCK_TESTS = {
  mutex: 'mutual exclusion under 32 concurrent clients in 4 processes',
  expiry: 'expiry after a holder is SIGKILLed',
  reentrancy: 'reentrancy by owner',
  tokens: 'strictly increasing fencing tokens',
  notYours: 'release of a lock someone else now holds is refused',
  restart: 'the backend restarted mid-test',
  abort: 'an AbortSignal aborting a wait',
  waitMs: 'waitMs ending a wait',
  using: 'using() renews the lease past its TTL and releases at the end',
  readWrite: 'read/write: readers share, writers exclude, FIFO',
  semaphore: 'semaphore: limit N holders',
  badInput: 'bad input: typed errors, nothing corrupted',
} as const;

const WORKER = path.resolve(import.meta.dirname, 'lock-worker.ts');
const LONG_TTL_MS = 30_000;
const HANG_MS = 120_000;

/** Runs a worker to its end (rounds) or until it prints that it holds (hold). */
function runWorker(job: WorkerJob): { done: Promise<void>; held: Promise<bigint>; kill(): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const held = new Promise<bigint>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /"token":"(\d+)"/.exec(stdout);
      if (m !== null) resolve(BigInt(m[1] as string));
    });
    child.on('exit', () => reject(new Error(`worker exited before holding: ${stderr}`)));
  });
  held.catch(() => {});
  const done = new Promise<void>((resolve, reject) => {
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`worker ${code ?? signal}: ${stderr}`)),
    );
  });
  return { done, held, kill: () => child.kill('SIGKILL') };
}

/** An error's code, or the error itself when it is not a LockError. */
async function codeOf(p: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'resolved';
  } catch (e) {
    return e instanceof LockError ? e.code : e;
  }
}

/** Whether `name` is free right now: a fresh owner gets it with one attempt (then frees it). */
async function isFree(backend: LockBackend, name: string): Promise<boolean> {
  try {
    const h = await backend.lock(name).acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 });
    await h.release();
    return true;
  } catch (e) {
    if (e instanceof LockError && e.code === 'not-acquired') return false;
    throw e;
  }
}

/** Polls with one-shot readers until one is refused: a writer is then queued ahead of them. */
async function waitUntilReadersRefused(read: ReturnType<LockBackend['lock']>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    try {
      const probe = await read.acquire({ ttlMs: LONG_TTL_MS, owner: 'probe', waitMs: 0 });
      await probe.release();
      await new Promise((r) => setTimeout(r, 10));
    } catch (e) {
      if (e instanceof LockError && e.code === 'not-acquired') return;
      throw e;
    }
  }
  throw new Error('the waiting writer never blocked new readers');
}

/** What asking for a variant looks like, for a backend that does not offer it. */
const VARIANTS: Readonly<Record<string, readonly { mode?: 'read' | 'write'; limit?: number }[]>> = {
  [LOCK_TESTS.readWrite]: [{ mode: 'read' }, { mode: 'write' }],
  [LOCK_TESTS.semaphore]: [{ limit: 2 }],
};

export function runLockConformance(options: LockConformanceOptions): void {
  const skipped = new Map<string, string>();
  for (const s of options.skip ?? []) for (const t of s.tests) skipped.set(t, s.reason);
  const test = (title: string, fn: () => Promise<void>) => {
    const reason = skipped.get(title);
    const variants = VARIANTS[title];
    if (reason === undefined) it(title, fn);
    else if (variants === undefined) it.skip(`${title} (skipped: ${reason})`, fn);
    else
      it(`${title}: not offered (${reason}), so refused with InvalidLockArgument`, async () => {
        const b = await backend();
        for (const variant of variants)
          expect(() => b.lock({ name: fresh('variant'), ...variant })).toThrow(InvalidLockArgument);
      });
  };
  const shortTtlMs = options.shortTtlMs ?? 1000;
  const backends: LockBackend[] = [];
  let dir = '';
  let n = 0;
  /** A lock name no other test uses. */
  const fresh = (what: string) => `conformance/${what}/${process.pid}-${n++}`;
  const backend = async (): Promise<LockBackend> => {
    const b = await options.create();
    backends.push(b);
    return b;
  };

  describe(`lock conformance: ${options.name}`, () => {
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-conformance-'));
    });
    afterAll(async () => {
      await Promise.all(backends.map((b) => b.close().catch(() => {})));
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test(LOCK_TESTS.mutex, async () => {
      const name = fresh('mutex');
      const log = path.join(dir, 'mutex.log');
      const { module, options: factoryOptions } = options.worker();
      const rounds = 3;
      const workers = [0, 1, 2, 3].map((p) =>
        runWorker({
          module,
          options: factoryOptions,
          name,
          mode: 'rounds',
          ttlMs: LONG_TTL_MS,
          base: p * 100,
          clients: 8,
          rounds,
          log,
        }),
      );
      await Promise.all(workers.map((w) => w.done));
      const report = checkMutexLog(log);
      expect(report.violations).toEqual([]);
      expect([...report.entries.values()].reduce((a, b) => a + b, 0)).toBe(32 * rounds);
      expect(report.entries.size).toBe(32);
      const tokens = fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"enter"'))
        .map((l) => BigInt((JSON.parse(l) as { output: { token: string } }).output.token));
      for (let i = 1; i < tokens.length; i++) {
        expect(tokens[i]! > tokens[i - 1]!, `token ${i} grows`).toBe(true);
      }
    });

    test(LOCK_TESTS.expiry, async () => {
      const name = fresh('expiry');
      const { module, options: factoryOptions } = options.worker();
      const holder = runWorker({
        module,
        options: factoryOptions,
        name,
        mode: 'hold',
        ttlMs: shortTtlMs,
      });
      const killedToken = await holder.held;
      holder.kill();
      await holder.done.catch(() => {});
      const b = await backend();
      const h = await b.lock(name).acquire({ ttlMs: LONG_TTL_MS, waitMs: HANG_MS });
      expect(h.token > killedToken).toBe(true);
      await h.release();
    });

    test(LOCK_TESTS.reentrancy, async () => {
      const b = await backend();
      const lock = b.lock(fresh('reentrancy'));
      const first = await lock.acquire({ ttlMs: LONG_TTL_MS, owner: 'alice' });
      const again = await lock.acquire({ ttlMs: LONG_TTL_MS, owner: 'alice', waitMs: 0 });
      expect(again.token).toBe(first.token);
      expect(again.owner).toBe('alice');
      const bob = () => lock.acquire({ ttlMs: LONG_TTL_MS, owner: 'bob', waitMs: 0 });
      expect(await codeOf(bob)).toBe('not-acquired');
      await again.release();
      expect(await codeOf(bob)).toBe('not-acquired'); // One hold is left.
      expect(first.signal.aborted).toBe(false);
      await first.release();
      const b2 = await bob();
      expect(b2.token > first.token).toBe(true);
      await b2.release();
      // Without an owner, each Lock object is its own owner: another object does not re-enter.
      const other = b.lock(lock.spec.name);
      const mine = await lock.acquire({ ttlMs: LONG_TTL_MS });
      const mineAgain = await lock.acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 });
      expect(mineAgain.token).toBe(mine.token);
      expect(await codeOf(other.acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 }))).toBe('not-acquired');
      await mineAgain.release();
      await mine.release();
    });

    test(LOCK_TESTS.tokens, async () => {
      const [a, b] = [await backend(), await backend()];
      const name = fresh('tokens');
      const tokens: bigint[] = [];
      for (let i = 0; i < 10; i++) {
        const h = await (i % 2 === 0 ? a : b)
          .lock(name)
          .acquire({ ttlMs: LONG_TTL_MS, waitMs: HANG_MS });
        tokens.push(h.token);
        await h.release();
      }
      // A grant after an expiry grows too.
      const expired = await a.lock(name).acquire({ ttlMs: shortTtlMs });
      tokens.push(expired.token);
      const after = await b.lock(name).acquire({ ttlMs: LONG_TTL_MS, waitMs: HANG_MS });
      tokens.push(after.token);
      await after.release();
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]! > tokens[i - 1]!).toBe(true);
    });

    test(LOCK_TESTS.notYours, async () => {
      const [a, b] = [await backend(), await backend()];
      const name = fresh('not-yours');
      const stale = await a.lock(name).acquire({ ttlMs: shortTtlMs });
      // The stale holder does not renew: the lease runs out and b gets the lock.
      const holder = await b.lock(name).acquire({ ttlMs: LONG_TTL_MS, waitMs: HANG_MS });
      expect(holder.token > stale.token).toBe(true);
      expect(await codeOf(stale.extend())).toBe('lost');
      expect(await codeOf(stale.release())).toBe('not-yours');
      expect(holder.signal.aborted).toBe(false);
      expect(await isFree(a, name)).toBe(false); // b still holds it.
      await holder.release();
      expect(await isFree(a, name)).toBe(true);
    });

    test(LOCK_TESTS.restart, async () => {
      if (options.restart === undefined) return;
      const [a, b] = [await backend(), await backend()];
      const name = fresh('restart');
      const holder = await a.lock(name).acquire({ ttlMs: LONG_TTL_MS });
      const waiter = b.lock(name).acquire({ ttlMs: LONG_TTL_MS, waitMs: HANG_MS });
      await options.restart();
      await holder.extend();
      await holder.release();
      const next = await waiter;
      expect(next.token > holder.token).toBe(true);
      await next.release();
      const again = await a.lock(name).acquire({ ttlMs: LONG_TTL_MS, waitMs: HANG_MS });
      expect(again.token > next.token).toBe(true);
      await again.release();
    });

    test(LOCK_TESTS.abort, async () => {
      const [a, b] = [await backend(), await backend()];
      const name = fresh('abort');
      const holder = await a.lock(name).acquire({ ttlMs: LONG_TTL_MS });
      const controller = new AbortController();
      const reason = new Error('no longer needed');
      const waiting = b.lock(name).acquire({ ttlMs: LONG_TTL_MS, signal: controller.signal });
      setTimeout(() => controller.abort(reason), 200);
      await expect(waiting).rejects.toBe(reason);
      const already = AbortSignal.abort('before');
      expect(await codeOf(b.lock(name).acquire({ ttlMs: LONG_TTL_MS, signal: already }))).toBe(
        'before',
      );
      await holder.release();
      expect(await isFree(b, name)).toBe(true); // The aborted waiter left nothing behind.
    });

    test(LOCK_TESTS.waitMs, async () => {
      const [a, b] = [await backend(), await backend()];
      const name = fresh('wait');
      const holder = await a.lock(name).acquire({ ttlMs: LONG_TTL_MS });
      expect(await codeOf(b.lock(name).acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 }))).toBe(
        'not-acquired',
      );
      expect(await codeOf(b.lock(name).acquire({ ttlMs: LONG_TTL_MS, waitMs: 300 }))).toBe(
        'not-acquired',
      );
      await holder.release();
      expect(await isFree(b, name)).toBe(true);
    });

    test(LOCK_TESTS.using, async () => {
      const [a, b] = [await backend(), await backend()];
      const name = fresh('using');
      const ttlMs = 3000;
      const token = await using(a.lock(name), { ttlMs }, async (signal, handle) => {
        // Held for 2.5 TTLs: without the renewals the lease would have run out meanwhile.
        const end = performance.now() + ttlMs * 2.5;
        while (performance.now() < end) {
          await new Promise((r) => setTimeout(r, ttlMs / 4));
          expect(signal.aborted).toBe(false);
        }
        expect(await codeOf(b.lock(name).acquire({ ttlMs, waitMs: 0 }))).toBe('not-acquired');
        return handle.token;
      });
      expect(typeof token).toBe('bigint');
      expect(await isFree(b, name)).toBe(true);
    });

    test(LOCK_TESTS.readWrite, async () => {
      const b = await backend();
      const name = fresh('rw');
      const read = b.lock({ name, mode: 'read' });
      const write = b.lock({ name, mode: 'write' });
      const r1 = await read.acquire({ ttlMs: LONG_TTL_MS, owner: 'r1', waitMs: 0 });
      const r2 = await read.acquire({ ttlMs: LONG_TTL_MS, owner: 'r2', waitMs: 0 });
      expect(await codeOf(write.acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 }))).toBe('not-acquired');
      const writer = write.acquire({ ttlMs: LONG_TTL_MS, owner: 'w', waitMs: HANG_MS });
      // The writer's request travels concurrently with whatever comes next: wait until it is
      // queued (a new reader is refused) before sending the reader that must come after it.
      await waitUntilReadersRefused(read);
      // A reader arriving behind a waiting writer waits for it (no writer starvation).
      const lateReader = read.acquire({ ttlMs: LONG_TTL_MS, owner: 'r3', waitMs: HANG_MS });
      let writerHeld = false;
      void writer.then(() => {
        writerHeld = true;
      });
      await r1.release();
      expect(writerHeld).toBe(false);
      await r2.release();
      const w = await writer;
      expect(w.token > r2.token).toBe(true);
      await w.release();
      const r3 = await lateReader;
      expect(r3.token > w.token).toBe(true);
      await r3.release();
    });

    test(LOCK_TESTS.semaphore, async () => {
      const b = await backend();
      const sem = b.lock({ name: fresh('semaphore'), limit: 3 });
      const holders: LockHandle[] = [];
      for (const owner of ['a', 'b', 'c']) {
        holders.push(await sem.acquire({ ttlMs: LONG_TTL_MS, owner, waitMs: 0 }));
      }
      expect(await codeOf(sem.acquire({ ttlMs: LONG_TTL_MS, owner: 'd', waitMs: 0 }))).toBe(
        'not-acquired',
      );
      const fourth = sem.acquire({ ttlMs: LONG_TTL_MS, owner: 'd', waitMs: HANG_MS });
      await holders[1]!.release(); // Not the oldest: any holder leaving admits the next.
      const d = await fourth;
      await Promise.all([holders[0]!.release(), holders[2]!.release(), d.release()]);
    });

    test(LOCK_TESTS.badInput, async () => {
      const b = await backend();
      for (const name of ['', 'x'.repeat(257), 'a\0b']) {
        expect(() => b.lock(name)).toThrow(InvalidLockArgument);
      }
      const name = fresh('bad');
      const lock = b.lock(name);
      for (const ttlMs of [0, -1, 1.5, Number.NaN, 25 * 3600 * 1000, Number.POSITIVE_INFINITY]) {
        expect(await codeOf(() => lock.acquire({ ttlMs }))).toBe('invalid');
      }
      expect(await codeOf(() => lock.acquire({ ttlMs: LONG_TTL_MS, waitMs: -5 }))).toBe('invalid');
      const h = await lock.acquire({ ttlMs: LONG_TTL_MS });
      expect(await codeOf(h.extend(0))).toBe('invalid');
      await h.release();
      expect(await codeOf(h.release())).toBe('not-yours'); // Double release.
      const expiring = await lock.acquire({ ttlMs: shortTtlMs });
      // Not renewed, the lease runs out (rounded up to a backend's granularity and minimum).
      await until(() => isFree(b, name), 'the unrenewed lease to run out', HANG_MS);
      expect(await codeOf(expiring.extend())).toBe('lost');
      expect(await codeOf(expiring.release())).toBe('not-yours');
      const after = await lock.acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 });
      expect(after.token > expiring.token).toBe(true);
      await after.release();
    });
  });
}
