// Process isolation with real worker processes (src/reliability/isolate/supervisor.ts): a
// worker SIGKILLed while it holds requests fails exactly those requests with
// WorkerCrashedError, the other workers' requests all complete, and the worker is restarted
// and serves again; a handler's error is not a crash; workers crashing past the restart
// intensity stop the supervisor with one SupervisorStoppedError — also at start.
// Conditions are awaited with deadlines (until), never timed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workerModule } from '../src/compute/worker-process.js';
import {
  Supervisor,
  type SupervisorOptions,
  SupervisorStoppedError,
  WorkerCrashedError,
  WorkerRequestError,
} from '../src/reliability/isolate/index.js';
import { until } from '../src/runtime/testing/wait.js';

const found = workerModule(import.meta.url, 'support/isolation-worker', 'isolation-worker');
if ('missing' in found) throw new Error(`no worker module: ${found.missing.join(', ')}`);
const module = found;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function supervisor(options: Partial<SupervisorOptions> = {}): Promise<Supervisor> {
  const s = await Supervisor.start({
    module,
    workers: 3,
    maxRestarts: 5,
    periodMs: 60_000,
    backoffInitialMs: 10,
    backoffMaxMs: 100,
    ...options,
  });
  cleanup.push(() => s.close());
  return s;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-isolation-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('Supervisor (real worker processes)', () => {
  it('a SIGKILLed worker fails only its requests, and comes back', async () => {
    const s = await supervisor();
    const gate = path.join(tempDir(), 'open');
    const requests = Array.from({ length: 12 }, () =>
      s.request<number>({ op: 'hold', gate }).then(
        (pid) => ({ ok: true as const, pid }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    await until(() => s.workers().every((w) => w.inflight === 4), 'each worker holds 4 requests');
    const victim = s.workers()[1];
    const victimPid = victim?.pid as number;
    process.kill(victimPid, 'SIGKILL');
    // The victim's requests fail as soon as its death is seen; then the others are let go.
    await until(() => s.workers()[1]?.inflight === 0, "the killed worker's requests failed");
    fs.writeFileSync(gate, '');
    const outcomes = await Promise.all(requests);

    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toHaveLength(4);
    for (const o of failed) {
      expect(o.error).toBeInstanceOf(WorkerCrashedError);
      const e = o.error as WorkerCrashedError;
      expect([e.worker, e.pid, e.signal, e.retryable]).toEqual([1, victimPid, 'SIGKILL', true]);
    }
    const answered = outcomes.filter((o) => o.ok).map((o) => o.pid);
    expect(answered).toHaveLength(8);
    expect(answered).not.toContain(victimPid);
    expect(new Set(answered).size).toBe(2);

    await until(() => {
      const w = s.workers()[1];
      return w?.state === 'ready' && w.pid !== victimPid;
    }, 'the killed worker is restarted');
    expect(s.workers()[1]?.restarts).toBe(1);
    // The replacement serves: requests spread over all three workers again.
    const pids = await Promise.all(
      Array.from({ length: 9 }, () => s.request<number>({ op: 'pid' })),
    );
    expect(pids).toContain(s.workers()[1]?.pid);
    expect(new Set(pids).size).toBe(3);
  });

  it("a handler's error is a WorkerRequestError, and the worker keeps serving", async () => {
    const s = await supervisor({ workers: 1 });
    const pid = s.workers()[0]?.pid;
    const error = await s.request({ op: 'fail' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerRequestError);
    expect(error).toMatchObject({ remoteName: 'RangeError', message: 'asked to fail' });
    await expect(s.request({ op: 'pid' })).resolves.toBe(pid);
    expect(s.workers()[0]?.restarts).toBe(0);
  });

  it('stops with one SupervisorStoppedError past the restart intensity', async () => {
    const s = await supervisor({ workers: 2, maxRestarts: 3 });
    const errors: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      const e = await s.request({ op: 'crash' }).catch((error: unknown) => error);
      errors.push(e);
      if (e instanceof SupervisorStoppedError) break;
    }
    // Three restarts are allowed; the fourth crash stops it, and later requests are refused.
    expect(errors.slice(0, 4).every((e) => e instanceof WorkerCrashedError)).toBe(true);
    expect(errors[4]).toBeInstanceOf(SupervisorStoppedError);
    const stop = await s.stopped;
    expect(stop).toBe(errors[4]);
    expect(stop.reason).toBe('restart-intensity');
    expect(stop.message).toMatch(/more than 3 restarts within 60000 ms/);
    expect(stop.cause).toBeInstanceOf(WorkerCrashedError);
    await until(
      () => s.workers().every((w) => w.state === 'stopped'),
      'every worker is terminated',
    );
    const pids = s.workers().map((w) => w.pid as number);
    await until(() => pids.every((p) => !alive(p)), 'the worker processes are gone');
  });

  it('start rejects when workers crash at start past the intensity', async () => {
    const start = Supervisor.start({
      module,
      args: ['--crash-on-start'],
      workers: 2,
      maxRestarts: 2,
      periodMs: 60_000,
      backoffInitialMs: 10,
      backoffMaxMs: 50,
    });
    const error = await start.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupervisorStoppedError);
    expect((error as SupervisorStoppedError).reason).toBe('restart-intensity');
    expect((error as Error).message).toMatch(/exited with code 3/);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
