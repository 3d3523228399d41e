// A live copy of every key under a prefix, kept current by ONE watch: a read of the prefix at
// revision R, then a watch from R + 1, whose events are applied a revision at a time. The
// service directory, the configuration watcher and election observers are mirrors. Consumers
// read `entries` (the latest state), wait for a condition (`waitFor`), or subscribe to the
// updates: the first update is the whole state, then each revision's changes, in order.
//
// Fault model: the watch resumes across reconnects from the revision after the last one
// applied (client watch.ts), so no change is missed or repeated. If that revision has been
// compacted, the mirror re-reads the prefix and reports the difference as one update marked
// `resynced` (changes inside the compacted history are lost; the state is right again). Any
// other failure (the client closed, a server cancel) ends the mirror: `waitFor` and the
// subscribers reject with it. Memory: a subscriber that stops reading is ended with a
// SlowSubscriberError once SUBSCRIBER_QUEUE_MAX updates wait for it.

import type { Client } from '../client.js';
import { WatchCompactedError } from '../errors.js';
import type { KeyValue } from '../values.js';
import { SlowSubscriberError } from './errors.js';
import { revisionBatches, type WaitOptions, withDeadline } from './wait.js';

export const SUBSCRIBER_QUEUE_MAX = 10_000;

/** One key's change; `key` is relative to the prefix. */
export type MirrorChange<T> =
  | { readonly type: 'put'; readonly key: string; readonly value: T; readonly prev?: T }
  | { readonly type: 'delete'; readonly key: string; readonly prev: T };

export interface MirrorUpdate<T> {
  /** The store revision the mirror is current at after this update. */
  readonly revision: number;
  readonly changes: readonly MirrorChange<T>[];
  /** The first update of a subscription: every key, as puts. */
  readonly initial: boolean;
  /** A re-read after a compaction: the difference, not every change in between. */
  readonly resynced: boolean;
}

export interface MirrorOptions {
  /** Ends the mirror (its subscribers throw the reason). */
  readonly signal?: AbortSignal;
  /** Start from the state at this revision (default: now); it must not be compacted. */
  readonly revision?: number;
}

interface Subscriber<T> {
  readonly queue: MirrorUpdate<T>[];
  wake: (() => void) | undefined;
  error: unknown;
  ended: boolean;
}

export class PrefixMirror<T> {
  private readonly values = new Map<string, T>();
  private readonly modRevisions = new Map<string, number>();
  private readonly subscribers = new Set<Subscriber<T>>();
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  private failure: { error: unknown } | undefined;
  private isReady = false;
  private settleReady: (error?: unknown) => void = () => {};
  /** The store revision the mirror is current at (0 before the first read). */
  revision = 0;
  /** Resolves once the first read is applied; rejects if the mirror fails before. */
  readonly ready: Promise<void>;

  constructor(
    private readonly client: Client,
    readonly prefix: string,
    private readonly decode: (kv: KeyValue) => T,
    private readonly options: MirrorOptions = {},
  ) {
    const outer = options.signal;
    if (outer !== undefined) {
      const onAbort = () => this.controller.abort(outer.reason);
      if (outer.aborted) onAbort();
      else outer.addEventListener('abort', onAbort, { once: true });
    }
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.ready.catch(() => {}); // Also reported through waitFor and the subscribers.
    void this.run();
  }

  /** The latest state: relative key → decoded value. */
  get entries(): ReadonlyMap<string, T> {
    return this.values;
  }

  /** Ends the mirror; subscribers end without an error. */
  close(): void {
    this.controller.abort(new Error('closed'));
  }

  /** Resolves once `predicate(entries)` holds (checked after every update). */
  async waitFor(
    predicate: (entries: ReadonlyMap<string, T>) => boolean,
    options: WaitOptions = {},
  ): Promise<void> {
    await withDeadline('waitFor', options, [], (signal) => {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (this.failure !== undefined) return done(this.failure.error);
          if (this.isReady && predicate(this.values)) done(undefined);
        };
        const onAbort = () => done(signal.reason);
        const done = (error: unknown) => {
          this.listeners.delete(check);
          signal.removeEventListener('abort', onAbort);
          if (error === undefined) resolve();
          else reject(error);
        };
        this.listeners.add(check);
        signal.addEventListener('abort', onAbort, { once: true });
        if (signal.aborted) return onAbort();
        check();
      });
    });
  }

  /** The whole state as one update, then every update after it (see the header). */
  async *subscribe(): AsyncGenerator<MirrorUpdate<T>> {
    await this.ready.catch(() => {});
    const sub: Subscriber<T> = { queue: [], wake: undefined, error: undefined, ended: false };
    if (this.failure !== undefined) throw this.failure.error;
    if (this.controller.signal.aborted) return;
    const changes = [...this.values].map(([key, value]) => ({ type: 'put' as const, key, value }));
    sub.queue.push({ revision: this.revision, changes, initial: true, resynced: false });
    this.subscribers.add(sub);
    try {
      for (;;) {
        const update = sub.queue.shift();
        if (update !== undefined) {
          yield update;
          continue;
        }
        if (sub.ended) {
          if (sub.error !== undefined) throw sub.error;
          return;
        }
        await new Promise<void>((resolve) => {
          sub.wake = resolve;
        });
      }
    } finally {
      this.subscribers.delete(sub);
    }
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let at = this.options.revision;
    try {
      for (;;) {
        const got = await this.client.get(this.prefix, {
          prefix: true,
          signal,
          ...(at === undefined ? {} : { revision: at }),
        });
        this.resync(got.kvs, at ?? got.header.revision);
        at = undefined;
        const watcher = this.client.watch(this.prefix, {
          prefix: true,
          startRevision: this.revision + 1,
          signal,
        });
        try {
          for await (const batch of revisionBatches(watcher)) this.apply(batch);
          return this.end(undefined); // Cancelled: only close() does that.
        } catch (e) {
          if (!(e instanceof WatchCompactedError)) throw e;
        }
      }
    } catch (e) {
      this.end(e);
    }
  }

  /** The state read at `revision`: applied as the difference from what the mirror held. */
  private resync(kvs: readonly KeyValue[], revision: number): void {
    const changes: MirrorChange<T>[] = [];
    const seen = new Set<string>();
    for (const kv of kvs) {
      const key = this.relative(kv);
      seen.add(key);
      if (this.modRevisions.get(key) === kv.modRevision) continue;
      changes.push(this.put(key, kv));
    }
    for (const key of [...this.values.keys()])
      if (!seen.has(key)) changes.push(this.remove(key) as MirrorChange<T>);
    this.revision = revision;
    const first = !this.isReady;
    this.isReady = true;
    if (!first) this.publish({ revision, changes, initial: false, resynced: true });
    else {
      this.settleReady();
      this.notify();
    }
  }

  private apply(batch: readonly { type: 'PUT' | 'DELETE'; kv: KeyValue }[]): void {
    const changes: MirrorChange<T>[] = [];
    for (const event of batch) {
      const key = this.relative(event.kv);
      if (event.type === 'PUT') changes.push(this.put(key, event.kv));
      else {
        const change = this.remove(key);
        if (change !== undefined) changes.push(change);
      }
    }
    const revision = batch[0]?.kv.modRevision ?? this.revision;
    this.revision = Math.max(this.revision, revision);
    this.publish({ revision: this.revision, changes, initial: false, resynced: false });
  }

  private relative(kv: KeyValue): string {
    return kv.keyString().slice(this.prefix.length);
  }

  private put(key: string, kv: KeyValue): MirrorChange<T> {
    const prev = this.values.get(key);
    const value = this.decode(kv);
    this.values.set(key, value);
    this.modRevisions.set(key, kv.modRevision);
    return prev === undefined ? { type: 'put', key, value } : { type: 'put', key, value, prev };
  }

  private remove(key: string): MirrorChange<T> | undefined {
    const prev = this.values.get(key);
    if (prev === undefined) return undefined;
    this.values.delete(key);
    this.modRevisions.delete(key);
    return { type: 'delete', key, prev };
  }

  private publish(update: MirrorUpdate<T>): void {
    for (const sub of this.subscribers) {
      if (sub.ended) continue;
      if (sub.queue.length >= SUBSCRIBER_QUEUE_MAX) {
        this.endSubscriber(sub, new SlowSubscriberError(sub.queue.length));
        continue;
      }
      sub.queue.push(update);
      this.wakeSubscriber(sub);
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Ends every subscriber and waiter: cleanly after close(), else with the error. */
  private end(error: unknown): void {
    const closed = this.controller.signal.aborted;
    const reason = closed ? this.controller.signal.reason : error;
    const failure = closed && !(this.options.signal?.aborted ?? false) ? undefined : reason;
    this.failure = { error: failure ?? new Error('the mirror is closed') };
    this.settleReady(this.failure.error); // No effect once ready.
    for (const sub of this.subscribers) this.endSubscriber(sub, failure);
    this.notify();
  }

  private endSubscriber(sub: Subscriber<T>, error: unknown): void {
    sub.ended = true;
    sub.error = error;
    if (error !== undefined) sub.queue.length = 0;
    this.wakeSubscriber(sub);
  }

  private wakeSubscriber(sub: Subscriber<T>): void {
    const wake = sub.wake;
    sub.wake = undefined;
    wake?.();
  }
}
