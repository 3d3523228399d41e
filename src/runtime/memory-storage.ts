// An in-memory `DurableStorage`: the runtime's tests use it where a disk is beside the
// point, and `cohort node --storage memory` uses it for throwaway runs.
//
// Fault model: none. Nothing survives the process, so a node using it restarts empty —
// exactly like a node whose disk was wiped. Writes are copied through the codec (as a disk
// would copy them), so a caller mutating a value after `set` cannot change what is stored.

import { roundTrip } from '../core/codec.js';
import type { DurableStorage } from './durable-storage.js';

export class MemoryStorage implements DurableStorage {
  private readonly values = new Map<string, unknown>();
  private closed = false;
  /** How many times `sync()` was called (tests check that steps share syncs). */
  syncs = 0;

  get<T>(key: string): T | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : roundTrip(value as T);
  }

  set(key: string, value: unknown): void {
    this.checkOpen();
    this.values.set(key, roundTrip(value));
  }

  delete(key: string): void {
    this.checkOpen();
    this.values.delete(key);
  }

  keys(prefix = ''): string[] {
    return [...this.values.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** Nothing to seal: memory survives no crash, so there is no half-written step to avoid. */
  endStep(): void {
    this.checkOpen();
  }

  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    this.syncs++;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }
}
