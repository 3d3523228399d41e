// The storage conformance suite against every DurableStorage of the runtime: the in-memory
// storage (not durable: the reopen cases do not apply) and the write-ahead log, reopened
// from its directory. The simulator's storage joins here when it has one.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { MemoryStorage } from '../src/runtime/memory-storage.js';
import { openWalStorage, type WalStorage } from '../src/runtime/wal/index.js';
import { runStorageConformance } from './support/storage-conformance.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

runStorageConformance({ name: 'MemoryStorage', create: () => new MemoryStorage() });

const walDirs = new WeakMap<WalStorage, string>();
async function openIn(dir: string): Promise<WalStorage> {
  const storage = await openWalStorage(dir);
  walDirs.set(storage, dir);
  return storage;
}

runStorageConformance({
  name: 'WalStorage',
  create: () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-conformance-'));
    dirs.push(dir);
    return openIn(dir);
  },
  reopen: (previous) => openIn(walDirs.get(previous) as string),
});
