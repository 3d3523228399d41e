// Watches: every watcher of a client shares ONE gRPC Watch stream (the hub), as etcd's
// clientv3 does. Each watcher is an AsyncIterable of events. Creates are sent one at a time
// and matched to the server's `created` replies in order (etcd answers creates in order on a
// stream); events are routed by watch id.
//
// Resume: each watcher remembers the next revision it needs (the last event's mod revision +
// 1; or, for a watcher started "from now", the created reply's revision + 1). When the stream
// breaks (UNAVAILABLE: a member died, restarted or lost its leader — the stream asks for
// `hasleader`, so an isolated member ends it), the hub moves to the next endpoint with backoff
// and re-creates every watcher from its next revision: no event is lost or repeated. If that
// revision has been compacted meanwhile, the server cancels the watcher and its iterator throws
// WatchCompactedError (with the oldest available revision).
//
// Fault model: endpoints fail and come back (retried forever, with backoff, while watchers
// exist); other stream errors end every watcher with the typed error. Memory: a consumer that
// does not read lets its buffer grow past BUFFERED_EVENTS_HIGH (by at most one server
// response: etcd sends a catching-up watcher's history in large batches), then the hub pauses
// the whole stream (gRPC flow control, the server keeps the events: etcd's slow-watcher path) until
// the buffers drain to BUFFERED_EVENTS_LOW — one slow consumer delays every watcher of its
// client.

import type { ClientDuplexStream } from '@grpc/grpc-js';
import { backoffMs, type Connection, sleep } from './connection.js';
import { fromGrpc, GrpcError, WatchCanceledError, WatchCompactedError } from './errors.js';
import { discard, IdleClose } from './idle-close.js';
import { type RangeOptions, rangeOf } from './ops.js';
import { type BytesLike, int, type KeyValue, kvFromWire, optionalKv, type Wire } from './values.js';

export interface WatchOptions extends RangeOptions {
  /** The first revision to report (default: the revision after the watch is created). */
  readonly startRevision?: number;
  /** Include each key's previous state with its events. */
  readonly prevKv?: boolean;
  /** Events NOT to report. */
  readonly filters?: readonly ('NOPUT' | 'NODELETE')[];
  /** Ending the watch: the iterator throws the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface WatchEvent {
  readonly type: 'PUT' | 'DELETE';
  /** The key after the event (for a DELETE: the key and the deleting revision only). */
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

const BUFFERED_EVENTS_HIGH = 10_000;
const BUFFERED_EVENTS_LOW = 1_000;

/** One watcher: iterate it with `for await`; `cancel()` or `break` ends it. */
export class Watcher implements AsyncIterable<WatchEvent> {
  /** Resolves when the server has created the watch (events after this are not missed). */
  readonly ready: Promise<void>;
  /** The store revision this watcher is known to be current at. */
  revision = 0;
  /** The revision a re-created watch must start at. */
  nextRevision: number;
  /** The server's id while created on the current stream. */
  id: string | undefined;
  ended = false;
  private readonly events: WatchEvent[] = [];
  private error: unknown;
  private wake: (() => void) | undefined;
  private settleReady: ((error?: unknown) => void) | undefined;

  constructor(
    private readonly hub: WatchHub,
    readonly request: Wire,
    readonly signal: AbortSignal | undefined,
  ) {
    this.nextRevision = int(request.startRevision);
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.ready.catch(() => {}); // An unobserved failure is reported by the iterator too.
  }

  get buffered(): number {
    return this.events.length;
  }

  created(revision: number): void {
    this.revision = revision;
    if (this.nextRevision === 0) this.nextRevision = revision + 1;
    this.settleReady?.();
    this.settleReady = undefined;
  }

  push(events: readonly WatchEvent[], revision: number): void {
    if (this.ended) return;
    const last = events.at(-1);
    if (last !== undefined) this.nextRevision = last.kv.modRevision + 1;
    else this.nextRevision = Math.max(this.nextRevision, revision + 1); // Progress notice.
    this.revision = revision;
    this.events.push(...events);
    this.notify();
  }

  /** Ends the iteration: cleanly (no error) or with `error`. */
  finish(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    this.settleReady?.(error ?? new WatchCanceledError('canceled before it was created'));
    this.settleReady = undefined;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Stops the watch; a pending `next()` ends the iteration. */
  async cancel(): Promise<void> {
    this.hub.remove(this);
    this.finish();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    const onAbort = () => {
      this.hub.remove(this);
      this.finish(this.signal?.reason);
    };
    this.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const event = this.events.shift();
        if (event !== undefined) {
          this.hub.drained();
          yield event;
          continue;
        }
        if (this.ended) {
          if (this.error !== undefined) throw this.error;
          return;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      this.signal?.removeEventListener('abort', onAbort);
      if (!this.ended) await this.cancel();
    }
  }
}

function eventFromWire(w: Wire): WatchEvent {
  const kv = kvFromWire((w.kv ?? {}) as Wire);
  const prevKv = optionalKv(w.prevKv);
  const type = w.type === 'DELETE' ? 'DELETE' : 'PUT';
  return prevKv === undefined ? { type, kv } : { type, kv, prevKv };
}

/** The shared Watch stream of one client. */
export class WatchHub {
  private stream: ClientDuplexStream<Wire, Wire> | undefined;
  private opening = false;
  /** Watchers created on the current stream, by server id. */
  private readonly active = new Map<string, Watcher>();
  /** Watchers waiting for a create (FIFO); `creating` is the one sent. */
  private pending: Watcher[] = [];
  private creating: Watcher | undefined;
  private paused = false;
  private closed = false;
  /** Short-lived watches (a lock waiter's, one per wait) share one stream. */
  private readonly idle = new IdleClose(() => this.closeIfIdle());

  constructor(private readonly connection: Connection) {}

  watch(key: BytesLike, options: WatchOptions): Watcher {
    options.signal?.throwIfAborted();
    const request: Wire = {
      ...rangeOf(key, options),
      startRevision: options.startRevision ?? 0,
      prevKv: options.prevKv === true,
      filters: [...(options.filters ?? [])],
    };
    const watcher = new Watcher(this, request, options.signal);
    if (this.closed) watcher.finish(new GrpcError(1, 'the client is closed'));
    else {
      this.idle.busy();
      this.pending.push(watcher);
      this.pump();
    }
    return watcher;
  }

  /** Forgets `watcher` (its iterator ended); tells the server if it was created. */
  remove(watcher: Watcher): void {
    this.pending = this.pending.filter((w) => w !== watcher);
    if (watcher.id !== undefined && this.active.get(watcher.id) === watcher) {
      this.active.delete(watcher.id);
      this.stream?.write({ cancelRequest: { watchId: watcher.id } });
    }
    this.drained();
    if (this.isIdle()) this.idle.idle();
  }

  /** Called as consumers read: resumes a paused stream once the buffers are low. */
  drained(): void {
    if (!this.paused || this.bufferedEvents() > BUFFERED_EVENTS_LOW) return;
    this.paused = false;
    this.stream?.resume();
  }

  close(): void {
    this.closed = true;
    const error = new GrpcError(1, 'the client is closed');
    for (const w of [...this.active.values(), ...this.pending]) w.finish(error);
    this.creating?.finish(error);
    this.active.clear();
    this.pending = [];
    this.creating = undefined;
    this.idle.busy();
    this.stream?.cancel();
    this.stream = undefined;
  }

  private bufferedEvents(): number {
    let total = 0;
    for (const w of this.active.values()) total += w.buffered;
    return total;
  }

  private isIdle(): boolean {
    return this.active.size === 0 && this.pending.length === 0 && this.creating === undefined;
  }

  private closeIfIdle(): void {
    if (!this.isIdle()) return;
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
  }

  /** Sends the next create, opening the stream first when there is none. */
  private pump(): void {
    if (this.closed || this.creating !== undefined) return;
    this.pending = this.pending.filter((w) => !w.ended);
    const next = this.pending[0];
    if (next === undefined) {
      if (this.isIdle()) this.idle.idle();
      return;
    }
    if (this.stream === undefined) {
      if (!this.opening) void this.open(0);
      return;
    }
    this.pending.shift();
    this.creating = next;
    this.stream.write({
      createRequest: { ...next.request, startRevision: next.nextRevision },
    });
  }

  private async open(attempt: number): Promise<void> {
    this.opening = true;
    try {
      if (attempt > 0) await sleep(backoffMs(attempt));
      if (this.closed || this.pending.length === 0) return;
      const { stream, index } = await this.connection.duplex('Watch', 'Watch', {
        hasleader: 'true',
      });
      // Closed meanwhile, or another open won the race (a reopen after a failure and a new
      // watcher's first open can overlap): one stream per hub.
      if (this.closed || this.stream !== undefined) {
        discard(stream);
        return;
      }
      this.stream = stream;
      stream.on('data', (w: Wire) => this.onResponse(stream, w));
      stream.on('error', (e: unknown) => void this.onBroken(stream, index, fromGrpc(e)));
      stream.on('end', () => void this.onBroken(stream, index, new GrpcError(14, 'stream ended')));
    } catch (e) {
      if (!this.closed) this.failAll(e);
      return;
    } finally {
      this.opening = false;
    }
    this.pump();
  }

  private onResponse(stream: ClientDuplexStream<Wire, Wire>, w: Wire): void {
    if (stream !== this.stream) return;
    const id = String(w.watchId ?? '0');
    const revision = int((w.header as Wire | null)?.revision);
    if (w.created === true) this.onCreated(id, revision);
    const watcher = this.active.get(id);
    if (watcher === undefined) return; // Cancelled by us meanwhile.
    if (w.canceled === true) {
      this.active.delete(id);
      const compactRevision = int(w.compactRevision);
      watcher.finish(
        compactRevision > 0
          ? new WatchCompactedError(compactRevision)
          : new WatchCanceledError(typeof w.cancelReason === 'string' ? w.cancelReason : ''),
      );
      this.drained();
      if (this.isIdle()) this.idle.idle();
      return;
    }
    const events = Array.isArray(w.events) ? (w.events as Wire[]).map(eventFromWire) : [];
    if (events.length > 0 || w.created !== true) watcher.push(events, revision);
    if (!this.paused && this.bufferedEvents() > BUFFERED_EVENTS_HIGH) {
      this.paused = true;
      stream.pause();
    }
  }

  private onCreated(id: string, revision: number): void {
    const watcher = this.creating;
    this.creating = undefined;
    if (watcher !== undefined) {
      watcher.id = id;
      if (watcher.ended) this.stream?.write({ cancelRequest: { watchId: id } });
      else {
        this.active.set(id, watcher);
        watcher.created(revision);
      }
    }
    this.pump();
  }

  private async onBroken(
    stream: ClientDuplexStream<Wire, Wire>,
    index: number,
    error: unknown,
  ): Promise<void> {
    if (stream !== this.stream) return; // An old stream, closed on purpose.
    this.stream = undefined;
    this.paused = false;
    // Every watcher is re-created from its next revision, in the order they were created.
    const again = [...this.active.values()];
    if (this.creating !== undefined) again.push(this.creating);
    this.pending = [...again, ...this.pending].filter((w) => !w.ended);
    for (const w of this.pending) w.id = undefined;
    this.active.clear();
    this.creating = undefined;
    if (this.pending.length === 0) return;
    const decision = await this.connection.streamFailed(index, error).catch(() => 'fail' as const);
    if (decision === 'fail') return this.failAll(error);
    if (!this.opening) void this.open(1);
  }

  private failAll(error: unknown): void {
    for (const w of this.pending) w.finish(error);
    this.pending = [];
  }
}
