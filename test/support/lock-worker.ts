// The lock conformance suite's child process (test/support/lock-conformance.ts): a separate
// Node process with its own backend connection, so mutual exclusion and expiry are tested
// across processes, not just across objects of one. Run with tsx:
//   node --import tsx test/support/lock-worker.ts '<WorkerJob as JSON>'
// The backend comes from `module`'s `createLockBackend(options)` (each backend file exports
// one: src/locks/etcd.ts, …).
//
// Modes:
// - rounds: `clients` concurrent clients, each acquiring `rounds` times; around each hold it
//   appends {"node":id,"output":{"type":"enter"|"exit","token":…}} to `log` (O_APPEND, one
//   write per line, checked by test/support/mutex-log.ts), the exit BEFORE it releases.
// - hold: acquires once, prints {"event":"held","token":…} on stdout and never renews nor
//   releases (the test SIGKILLs it).
//
// Fault model: none of its own; any error is printed on stderr and exits with status 1.

import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { LockBackend } from '../../src/locks/lock.js';

export interface WorkerJob {
  readonly module: string;
  readonly options: unknown;
  readonly name: string;
  readonly mode: 'rounds' | 'hold';
  readonly ttlMs: number;
  /** rounds: the first client's node id in the log (ids are base + 0..clients-1). */
  readonly base?: number;
  readonly clients?: number;
  readonly rounds?: number;
  readonly log?: string;
}

async function main(job: WorkerJob): Promise<void> {
  const factory = (await import(pathToFileURL(job.module).href)) as {
    createLockBackend(options: unknown): Promise<LockBackend>;
  };
  const backend = await factory.createLockBackend(job.options);
  if (job.mode === 'hold') {
    const handle = await backend.lock(job.name).acquire({ ttlMs: job.ttlMs });
    process.stdout.write(`${JSON.stringify({ event: 'held', token: String(handle.token) })}\n`);
    await new Promise(() => {}); // Until SIGKILL.
  }
  const log = job.log as string;
  const fd = fs.openSync(log, 'a');
  const line = (node: number, type: string, token: bigint) =>
    fs.writeSync(fd, `${JSON.stringify({ node, output: { type, token: String(token) } })}\n`);
  await Promise.all(
    Array.from({ length: job.clients ?? 1 }, async (_, i) => {
      const node = (job.base ?? 0) + i;
      const lock = backend.lock(job.name);
      for (let round = 0; round < (job.rounds ?? 1); round++) {
        const handle = await lock.acquire({ ttlMs: job.ttlMs, waitMs: 600_000 });
        line(node, 'enter', handle.token);
        // Stay inside across a few event-loop turns, so another holder would overlap.
        await new Promise((r) => setTimeout(r, 1));
        line(node, 'exit', handle.token);
        await handle.release();
      }
    }),
  );
  fs.closeSync(fd);
  await backend.close();
}

main(JSON.parse(process.argv[2] ?? '{}') as WorkerJob).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`lock-worker: ${e instanceof Error ? (e.stack ?? e.message) : e}\n`);
    process.exit(1);
  },
);
