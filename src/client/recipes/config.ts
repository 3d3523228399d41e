// A configuration watcher (issue 17): every key under a prefix, then every change, through one
// watch (mirror.ts). `current` is the latest snapshot (key relative to the prefix → value);
// iterating yields the whole configuration first (one update, `initial`), then each
// revision's changes in order — a Txn that writes several keys arrives as one update.
//
// Fault model: see mirror.ts (resumes across reconnects from the last applied revision; a
// compaction is healed by a re-read, reported as a `resynced` update). Values are untrusted
// bytes from the server, decoded as UTF-8 and never parsed here.

import type { Client } from '../client.js';
import type { KeyValue } from '../values.js';
import { type MirrorOptions, type MirrorUpdate, PrefixMirror } from './mirror.js';
import type { WaitOptions } from './wait.js';

export type ConfigUpdate = MirrorUpdate<string>;

export class ConfigWatcher implements AsyncIterable<ConfigUpdate> {
  private readonly mirror: PrefixMirror<string>;

  constructor(
    client: Client,
    readonly prefix: string,
    options: MirrorOptions = {},
  ) {
    this.mirror = new PrefixMirror(client, prefix, (kv: KeyValue) => kv.valueString(), options);
  }

  /** Resolves once the first read is in (`current` is then the prefix's state). */
  get ready(): Promise<void> {
    return this.mirror.ready;
  }

  /** The latest configuration: key (relative to the prefix) → value. */
  get current(): ReadonlyMap<string, string> {
    return this.mirror.entries;
  }

  /** The store revision `current` is as of. */
  get revision(): number {
    return this.mirror.revision;
  }

  get(key: string): string | undefined {
    return this.mirror.entries.get(key);
  }

  /** Resolves once `predicate(current)` holds. */
  waitFor(
    predicate: (current: ReadonlyMap<string, string>) => boolean,
    options?: WaitOptions,
  ): Promise<void> {
    return this.mirror.waitFor(predicate, options);
  }

  [Symbol.asyncIterator](): AsyncGenerator<ConfigUpdate> {
    return this.mirror.subscribe();
  }

  close(): void {
    this.mirror.close();
  }
}
