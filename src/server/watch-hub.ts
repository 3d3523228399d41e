// Watches, as etcd's watchable store serves them: many watchers multiplexed on one gRPC
// stream, each over a key or a range, from a start revision that may lie in the past (caught
// up from the MVCC history), the present, or the future. A write's events reach every synced
// watcher whose range they touch, in revision order, exactly once.
//
// Memory stays bounded the way etcd's does for slow watchers: events are never queued per
// watcher. When a stream's client stops reading (its write buffer is full), its watchers
// fall behind ("unsynced") and only remember the next revision they need; once the stream
// drains they are caught up from the history in chunks. If compaction removed that history
// meanwhile, the watcher is cancelled with `compactRevision`, as etcd does.
//
// etcd 3.4's conventions are kept where a client can see them: a refused create answers
// watch id -1 with etcd's cancel reason; a catch-up response carries the current revision
// (etcd's syncWatchers), a compaction cancel revision 0; an empty key means "\0". One
// deliberate difference: a progress request is answered only once every watcher of the
// stream is synced (deferred until then, as etcd 3.5 does), because 3.4's immediate answer
// can promise a revision a catching-up watcher has not seen.
//
// Fault model: clients are untrusted (they may never read, or open watches forever; the
// number of watchers per stream is capped); the history source may be compacted at any time.

import type { Event } from './mvcc/types.js';

export interface HistorySource {
  /** The latest applied revision. */
  revision(): number;
  compactRevision(): number;
  /** Events of revisions [from, to]; throws if `from` is compacted away. */
  events(from: number, to: number): Event[];
}

/** A gRPC stream as the hub sees it: `send` returns false when the client is behind. */
export interface WatchSink {
  send(response: WatchResponse): boolean;
}

export interface WatchResponse {
  readonly revision: number;
  readonly watchId: number;
  readonly created?: boolean;
  readonly canceled?: boolean;
  readonly compactRevision?: number;
  readonly cancelReason?: string;
  readonly events?: readonly Event[];
}

export interface WatchCreate {
  readonly key: Uint8Array;
  readonly rangeEnd: Uint8Array;
  readonly startRevision: number;
  readonly progressNotify: boolean;
  readonly noPut: boolean;
  readonly noDelete: boolean;
  readonly prevKv: boolean;
  /** 0: the hub picks one. */
  readonly watchId: number;
}

interface Watcher {
  readonly id: number;
  readonly stream: Stream;
  readonly key: Buffer;
  /** undefined: the key alone; empty: every key from `key` on. */
  readonly end: Buffer | undefined;
  readonly c: WatchCreate;
  /** The next revision this watcher has to see. */
  next: number;
  /** Sent anything since the last progress tick. */
  active: boolean;
}

/** etcd's watch id for a refused create and for a progress response (clientv3.InvalidWatchID). */
export const INVALID_WATCH_ID = -1;

/** Revisions caught up per step before giving the event loop (and other streams) a turn. */
const CATCH_UP_REVISIONS = 1000;

export const MAX_WATCHERS_PER_STREAM = 10_000;

class Stream {
  readonly watchers = new Map<number, Watcher>();
  nextId = 0;
  behind = false;
  /** A progress request waits for every watcher to be synced. */
  progressWanted = false;
  constructor(readonly sink: WatchSink) {}
}

export class WatchHub {
  private readonly streams = new Set<Stream>();

  constructor(private readonly source: HistorySource) {}

  /** A new gRPC stream: create and cancel watchers on it, close it when the call ends. */
  open(sink: WatchSink) {
    const stream = new Stream(sink);
    this.streams.add(stream);
    return {
      create: (c: WatchCreate) => this.create(stream, c),
      cancel: (id: number) => this.cancel(stream, id),
      /** etcd's progress request: the revision, once every watcher of the stream is synced. */
      progress: () => {
        stream.progressWanted = true;
        this.answerProgress(stream);
      },
      drained: () => this.drained(stream),
      close: () => this.streams.delete(stream),
      get size() {
        return stream.watchers.size;
      },
    };
  }

  /** A write was applied (in revision order): hand its events to the synced watchers. */
  onEvents(revision: number, events: readonly Event[]): void {
    for (const stream of this.streams) {
      if (stream.behind) continue;
      for (const w of stream.watchers.values()) {
        // A watcher short of `revision` missed one (never handed to us): from history. One
        // past it starts later.
        if (w.next < revision) this.catchUp(w);
        else if (w.next === revision) this.deliverLive(w, revision, events);
        if (stream.behind) break;
      }
    }
  }

  private deliverLive(w: Watcher, revision: number, events: readonly Event[]): void {
    const mine = events.filter((e) => this.wants(w, e));
    w.next = revision + 1;
    if (mine.length > 0) this.deliver(w, revision, mine);
  }

  /** Progress notifications for watchers that asked (etcd: every 10 minutes by default). */
  tickProgress(): void {
    const revision = this.source.revision();
    for (const stream of this.streams) {
      for (const w of stream.watchers.values()) {
        if (w.c.progressNotify && !w.active && w.next > revision)
          this.send(stream, { revision, watchId: w.id });
        w.active = false;
      }
    }
  }

  private create(stream: Stream, c: WatchCreate): void {
    const revision = this.source.revision();
    const refuse = (reason: string) =>
      this.send(stream, {
        revision,
        watchId: INVALID_WATCH_ID,
        created: true,
        canceled: true,
        cancelReason: reason,
      });
    // etcd: an empty key is "\0", the smallest; a range end of "\0" means every key from it.
    const key = c.key.length === 0 ? Buffer.from([0]) : Buffer.from(c.key);
    const end =
      c.rangeEnd.length === 0
        ? undefined
        : c.rangeEnd.length === 1 && c.rangeEnd[0] === 0
          ? Buffer.alloc(0)
          : Buffer.from(c.rangeEnd);
    if (end !== undefined && end.length > 0 && Buffer.compare(key, end) >= 0)
      return refuse('mvcc: watcher range is empty');
    if (c.watchId !== 0 && stream.watchers.has(c.watchId))
      return refuse('mvcc: duplicate watch ID provided on the WatchStream');
    if (stream.watchers.size >= MAX_WATCHERS_PER_STREAM) return refuse('mvcc: too many watchers');
    let id = c.watchId;
    if (id === 0) {
      while (stream.watchers.has(stream.nextId)) stream.nextId++;
      id = stream.nextId++;
    }
    const next = c.startRevision > 0 ? c.startRevision : revision + 1;
    const w: Watcher = { id, stream, key, end, c, next, active: false };
    stream.watchers.set(id, w);
    this.send(stream, { revision, watchId: id, created: true });
    if (w.next <= revision) this.catchUp(w);
  }

  private cancel(stream: Stream, id: number): void {
    if (!stream.watchers.delete(id)) return;
    this.send(stream, { revision: this.source.revision(), watchId: id, canceled: true });
    this.answerProgress(stream); // The watcher it waited for may be gone.
  }

  /** Answers a waiting progress request if every watcher of the stream is synced. */
  private answerProgress(stream: Stream): void {
    if (!stream.progressWanted || stream.behind) return;
    const revision = this.source.revision();
    for (const w of stream.watchers.values()) if (w.next <= revision) return;
    stream.progressWanted = false;
    this.send(stream, { revision, watchId: INVALID_WATCH_ID });
  }

  private wants(w: Watcher, e: Event): boolean {
    if (e.type === 'PUT' ? w.c.noPut : w.c.noDelete) return false;
    const key = e.kv.key;
    const fromStart = Buffer.compare(key, w.key);
    if (w.end === undefined) return fromStart === 0;
    return fromStart >= 0 && (w.end.length === 0 || Buffer.compare(key, w.end) < 0);
  }

  private deliver(w: Watcher, revision: number, events: readonly Event[]): void {
    w.active = true;
    const out = w.c.prevKv ? events : events.map(({ type, kv }) => ({ type, kv }));
    this.send(w.stream, { revision, watchId: w.id, events: out });
  }

  private send(stream: Stream, response: WatchResponse): void {
    if (!stream.sink.send(response)) stream.behind = true;
  }

  /** The client read what was buffered: catch its watchers up, a chunk at a time. */
  private drained(stream: Stream): void {
    stream.behind = false;
    for (const w of stream.watchers.values()) {
      if (stream.behind) return;
      if (w.next <= this.source.revision()) this.catchUp(w);
    }
    this.answerProgress(stream);
  }

  /** Sends a watcher's missed revisions from history until it is synced or its stream full. */
  private catchUp(w: Watcher): void {
    const stream = w.stream;
    while (!stream.behind && stream.watchers.get(w.id) === w) {
      const revision = this.source.revision();
      if (w.next > revision) return this.answerProgress(stream);
      const compactRevision = this.source.compactRevision();
      if (w.next < compactRevision) {
        stream.watchers.delete(w.id);
        // etcd's compaction cancel carries no revision (its header says 0).
        this.send(stream, { revision: 0, watchId: w.id, canceled: true, compactRevision });
        return this.answerProgress(stream);
      }
      const to = Math.min(revision, w.next + CATCH_UP_REVISIONS - 1);
      const events = this.source.events(w.next, to).filter((e) => this.wants(w, e));
      w.next = to + 1;
      // etcd's syncWatchers answers at the current revision, even for a partial batch.
      if (events.length > 0) this.deliver(w, revision, events);
    }
  }
}
