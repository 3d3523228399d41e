// The contract between the real host and its disk: a `Storage` (core/process.ts) whose writes
// become durable only when `sync()` resolves. The host runs a step, then awaits `sync()`, and
// only then lets the step's messages leave — the process contract's ordering rule. Many
// steps may share one sync (group commit).
//
// Fault model: the process may be killed at any instant; after a restart, every write whose
// sync() resolved is present, and a write is never half-present.

import type { Storage } from '../core/process.js';

export interface DurableStorage extends Storage {
  /** Resolves when every write made so far is on stable storage. */
  sync(): Promise<void>;
  /** Flushes, syncs and releases files; the storage is unusable afterwards. */
  close(): Promise<void>;
}
