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

/** Revisions caught up per step before giving the event loop (and other streams) a turn. */
const CATCH_UP_REVISIONS = 1000;

export const MAX_WATCHERS_PER_STREAM = 10_000;

class Stream {
  readonly watchers = new Map<number, Watcher>();
  nextId = 0;
  behind = false;
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
      /** etcd's progress request: the revision, if every watcher of the stream is synced. */
      progress: () => {
        const synced = [...stream.watchers.values()].every((w) => w.next > this.source.revision());
        if (synced) this.send(stream, { revision: this.source.revision(), watchId: -1 });
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
        if (w.next !== revision) continue; // Behind (catching up) or starting later.
        const mine = events.filter((e) => this.wants(w, e));
        w.next = revision + 1;
        if (mine.length > 0) this.deliver(w, revision, mine);
        if (stream.behind) break;
      }
    }
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
    let id = c.watchId;
    if (id === 0) {
      while (stream.watchers.has(stream.nextId)) stream.nextId++;
      id = stream.nextId++;
    }
    const refuse = (reason: string) =>
      this.send(stream, {
        revision,
        watchId: id,
        created: true,
        canceled: true,
        cancelReason: reason,
      });
    if (stream.watchers.has(id)) return refuse('mvcc: duplicate watch ID');
    if (stream.watchers.size >= MAX_WATCHERS_PER_STREAM) return refuse('mvcc: too many watchers');
    const end =
      c.rangeEnd.length === 0
        ? undefined
        : c.rangeEnd.length === 1 && c.rangeEnd[0] === 0
          ? Buffer.alloc(0)
          : Buffer.from(c.rangeEnd);
    const next = c.startRevision > 0 ? c.startRevision : revision + 1;
    const w: Watcher = { id, stream, key: Buffer.from(c.key), end, c, next, active: false };
    stream.watchers.set(id, w);
    this.send(stream, { revision, watchId: id, created: true });
    if (w.next <= revision) this.catchUp(w);
  }

  private cancel(stream: Stream, id: number): void {
    if (!stream.watchers.delete(id)) return;
    this.send(stream, { revision: this.source.revision(), watchId: id, canceled: true });
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
  }

  /** Sends a watcher's missed revisions from history until it is synced or its stream full. */
  private catchUp(w: Watcher): void {
    const stream = w.stream;
    while (!stream.behind && stream.watchers.get(w.id) === w) {
      const revision = this.source.revision();
      if (w.next > revision) return;
      if (w.next < this.source.compactRevision()) {
        stream.watchers.delete(w.id);
        const compactRevision = this.source.compactRevision();
        return this.send(stream, { revision, watchId: w.id, canceled: true, compactRevision });
      }
      const to = Math.min(revision, w.next + CATCH_UP_REVISIONS - 1);
      const events = this.source.events(w.next, to).filter((e) => this.wants(w, e));
      w.next = to + 1;
      if (events.length > 0) this.deliver(w, to, events);
    }
  }
}
