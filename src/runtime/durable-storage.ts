// The contract between the real host and its disk: a `Storage` (core/process.ts) whose writes
// are grouped into steps by `endStep()` and become durable only when `sync()` resolves. The
// host runs a step, seals it, then awaits `sync()`, and only then lets the step's messages
// leave — the process contract's ordering rule. Many steps may share one sync (group commit).
//
// Fault model: the process may be killed at any instant; after a restart, every step whose
// sync() resolved is present, and a step is never half-present (its writes are one atomic
// unit). Writes never sealed by `endStep()` — a step that threw — never become durable. A
// storage whose disk fails rejects every sync from then on (the node must stop).

import type { Storage } from '../core/process.js';

export interface DurableStorage extends Storage {
  /**
   * Seals every write made since the previous `endStep()` into one atomic step: after a
   * crash, all of them are present or none. Reads see writes at once, sealed or not.
   */
  endStep(): void;
  /** Resolves when every sealed step is on stable storage; rejects once the storage failed. */
  sync(): Promise<void>;
  /**
   * Flushes and syncs the sealed steps, drops unsealed writes and releases files; the
   * storage is unusable afterwards (sync() rejects). After a failure it neither hangs on the
   * broken disk nor throws.
   */
  close(): Promise<void>;
}
