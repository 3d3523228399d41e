// The storage conformance suite against every storage a process can be given: the in-memory
// storage (not durable: the reopen cases do not apply), the write-ahead log, reopened from
// its directory, and the simulator's storage, reopened over the disk a closed one left.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { MemoryStorage } from '../src/runtime/memory-storage.js';
import { openWalStorage, type WalStorage } from '../src/runtime/wal/index.js';
import { SimStorage } from '../src/sim/sim-storage.js';
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

runStorageConformance({
  name: 'SimStorage',
  create: () => new SimStorage(),
  reopen: (previous) => new SimStorage(previous.durable),
});
