// The watch hub against a real MVCC machine (its history is the hub's source) and a sink that
// records what a gRPC stream would carry: created replies in order, past and future start
// revisions, filters and ranges, prev_kv, a client that stops reading (the stream falls
// behind, then catches up from history in order, every revision exactly once), compaction
// cancelling a watcher that fell behind it, and progress (requests and notifications).

import { describe, expect, it } from 'vitest';
import { type Event, MvccMachine } from './mvcc/index.js';
import { b, s } from './mvcc/test-helpers.js';
import {
  INVALID_WATCH_ID,
  type WatchCreate,
  WatchHub,
  type WatchResponse,
  type WatchSink,
} from './watch-hub.js';

/** A stream's client: reads everything, or stops taking more once `room` responses wait. */
class Sink implements WatchSink {
  readonly got: WatchResponse[] = [];
  /** Responses buffered and not yet read by the client. */
  unread = 0;
  constructor(public room = Number.POSITIVE_INFINITY) {}
  send(response: WatchResponse): boolean {
    this.got.push(response);
    this.unread++;
    return this.unread < this.room;
  }
  /** The client reads what was buffered (the caller then tells the hub it drained). */
  read(): void {
    this.unread = 0;
  }
  /** The client reads everything: what arrived so far, and the buffer is empty again. */
  take(): WatchResponse[] {
    this.unread = 0;
    return this.got.splice(0);
  }
}

/** A machine whose applied writes feed the hub, as EtcdServer does. */
function setup() {
  const m = MvccMachine.create();
  const hub = new WatchHub({
    revision: () => m.revision,
    compactRevision: () => m.compactRevision,
    events: (from, to) => m.events(from, to),
  });
  const publish = (events: readonly Event[]) => {
    const revision = events[0]?.kv.modRevision;
    if (revision !== undefined) hub.onEvents(revision, events);
    return m.revision;
  };
  return {
    m,
    hub,
    put: (key: string, value: string) => publish(m.put({ key: b(key), value: b(value) }).events),
    del: (key: string) => publish(m.deleteRange({ key: b(key) }).events),
    /** Applied by the machine but never handed to the hub (a lost apply output). */
    putUnseen: (key: string, value: string) => m.put({ key: b(key), value: b(value) }),
  };
}

type WatchSpec = Partial<Omit<WatchCreate, 'key' | 'rangeEnd'>> & {
  readonly key: string;
  readonly rangeEnd?: string;
};

const watch = (over: WatchSpec): WatchCreate => ({
  startRevision: 0,
  progressNotify: false,
  noPut: false,
  noDelete: false,
  prevKv: false,
  watchId: 0,
  ...over,
  key: b(over.key),
  rangeEnd: b(over.rangeEnd ?? ''),
});

/** Each response as a line: `id@revision flags: TYPE key=value(prev) …`. */
function lines(responses: readonly WatchResponse[]): string[] {
  return responses.map((r) => {
    const flags = [
      r.created === true && 'created',
      r.canceled === true && 'canceled',
      r.compactRevision !== undefined && `compact=${r.compactRevision}`,
      r.cancelReason !== undefined && `reason=${r.cancelReason}`,
    ].filter((f) => f !== false);
    const events = (r.events ?? []).map((e) => {
      const prev = e.prevKv === undefined ? '' : `(${s(e.prevKv.value)})`;
      return `${e.type} ${s(e.kv.key)}=${s(e.kv.value)}${prev}`;
    });
    return `${r.watchId}@${r.revision}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}${
      events.length > 0 ? `: ${events.join(' ')}` : ''
    }`;
  });
}

/** Every event delivered to watcher `id`, as `key=value@modRevision`. */
const eventsOf = (responses: readonly WatchResponse[], id: number) =>
  responses
    .filter((r) => r.watchId === id)
    .flatMap((r) => r.events ?? [])
    .map((e) => `${s(e.kv.key)}=${s(e.kv.value)}@${e.kv.modRevision}`);

describe('WatchHub', () => {
  it('answers one created reply per create, in order, with ids and refusals as etcd', () => {
    const { hub, put } = setup();
    put('a', '1');
    const sink = new Sink();
    const stream = hub.open(sink);
    stream.create(watch({ key: 'a' }));
    stream.create(watch({ key: 'b', watchId: 7 }));
    stream.create(watch({ key: 'c' }));
    stream.create(watch({ key: 'd', watchId: 7 }));
    stream.create(watch({ key: 'z', rangeEnd: 'a' }));
    stream.create(watch({ key: 'e' }));
    expect(lines(sink.take())).toEqual([
      '0@2 created',
      '7@2 created',
      '1@2 created',
      '-1@2 created canceled reason=mvcc: duplicate watch ID provided on the WatchStream',
      '-1@2 created canceled reason=mvcc: watcher range is empty',
      '2@2 created', // Refusals use no id.
    ]);
    expect(stream.size).toBe(4);
    stream.cancel(7);
    stream.cancel(7); // Unknown now: no answer, as etcd.
    expect(lines(sink.take())).toEqual(['7@2 canceled']);
  });

  it('replays from a past start revision, then goes on live', () => {
    const { hub, put, del } = setup();
    const first = put('k', 'a');
    del('k');
    put('k', 'b');
    const sink = new Sink();
    hub.open(sink).create(watch({ key: 'k', startRevision: first, prevKv: true }));
    put('k', 'c');
    expect(lines(sink.take())).toEqual([
      '0@4 created',
      '0@4: PUT k=a DELETE k=(a) PUT k=b',
      '0@5: PUT k=c(b)',
    ]);
  });

  it('starts in the future: nothing before the start revision', () => {
    const { hub, put } = setup();
    const now = put('k', 'a');
    const sink = new Sink();
    hub.open(sink).create(watch({ key: 'k', startRevision: now + 2 }));
    put('k', 'b');
    put('k', 'c');
    expect(lines(sink.take())).toEqual(['0@2 created', '0@4: PUT k=c']);
  });

  it('filters by range, prefix, from-key and event type; strips prev_kv unless asked', () => {
    const { hub, put, del } = setup();
    put('p/a', '0');
    const sink = new Sink();
    const stream = hub.open(sink);
    stream.create(watch({ key: 'p/', rangeEnd: 'p0' })); // 0: the prefix p/
    stream.create(watch({ key: 'p/b', rangeEnd: '\0' })); // 1: every key from p/b on
    stream.create(watch({ key: 'p/a', noPut: true, prevKv: true })); // 2: deletes of p/a
    stream.create(watch({ key: 'p/', rangeEnd: 'p0', noDelete: true })); // 3: puts under p/
    sink.take();
    put('p/a', '1');
    put('q', '2');
    del('p/a');
    put('p/b', '3');
    expect(lines(sink.take())).toEqual([
      '0@3: PUT p/a=1',
      '3@3: PUT p/a=1',
      '1@4: PUT q=2',
      '0@5: DELETE p/a=',
      '2@5: DELETE p/a=(1)',
      '0@6: PUT p/b=3',
      '1@6: PUT p/b=3',
      '3@6: PUT p/b=3',
    ]);
  });

  it('an empty key watches "\\0" alone; with range end "\\0", every key', () => {
    const { hub, put } = setup();
    const sink = new Sink();
    const stream = hub.open(sink);
    stream.create(watch({ key: '' }));
    stream.create(watch({ key: '', rangeEnd: '\0' }));
    sink.take();
    put('\0', 'nul');
    put('a', 'x');
    expect(lines(sink.take())).toEqual(['0@2: PUT \0=nul', '1@2: PUT \0=nul', '1@3: PUT a=x']);
  });

  it('a client that stops reading: the stream falls behind, then catches up in order, once', () => {
    const { hub, put } = setup();
    const sink = new Sink(3);
    const stream = hub.open(sink);
    stream.create(watch({ key: 'k' })); // 0
    stream.create(watch({ key: 'j' })); // 1
    const other = new Sink();
    hub.open(other).create(watch({ key: 'k' }));
    const written: string[] = [];
    for (let i = 0; i < 6; i++) written.push(`k=v${i}@${put('k', `v${i}`)}`);
    put('j', 'only');
    // Two created replies and one event filled the room: the rest waits in the history.
    expect(lines(sink.got)).toEqual(['0@1 created', '1@1 created', '0@2: PUT k=v0']);
    // Another stream is not held up by this one.
    expect(eventsOf(other.got, 0)).toEqual(written);
    sink.read();
    sink.room = 1; // Still slow: it takes one more response, then stops again.
    stream.drained();
    expect(sink.got).toHaveLength(4);
    sink.read();
    sink.room = Number.POSITIVE_INFINITY;
    stream.drained();
    const live = put('k', 'live');
    const x = put('j', 'x');
    const got = sink.take();
    expect(eventsOf(got, 0)).toEqual([...written, `k=live@${live}`]);
    expect(eventsOf(got, 1)).toEqual(['j=only@8', `j=x@${x}`]);
    // Each catch-up response says the current revision, as etcd's syncWatchers does.
    expect(got[3]?.revision).toBe(8);
  });

  it('catches up from history in chunks of 1,000 revisions', () => {
    const { hub, put } = setup();
    for (let i = 0; i < 2500; i++) put('k', String(i));
    const sink = new Sink();
    hub.open(sink).create(watch({ key: 'k', startRevision: 1 }));
    const got = sink.take();
    expect(got.map((r) => r.events?.length ?? 0)).toEqual([0, 999, 1000, 501]);
    expect(got.slice(1).every((r) => r.revision === 2501)).toBe(true);
    expect(eventsOf(got, 0)).toEqual(Array.from({ length: 2500 }, (_, i) => `k=${i}@${i + 2}`));
  });

  it('catches a watcher up from history when a revision never reached the hub', () => {
    const { hub, put, putUnseen } = setup();
    const sink = new Sink();
    hub.open(sink).create(watch({ key: 'k' }));
    putUnseen('k', 'lost');
    put('k', 'next');
    expect(eventsOf(sink.take(), 0)).toEqual(['k=lost@2', 'k=next@3']);
  });

  it('cancels with compactRevision a watcher whose history was compacted', () => {
    const { m, hub, put } = setup();
    const first = put('k', '1');
    put('k', '2');
    const sink = new Sink(2);
    const stream = hub.open(sink);
    stream.create(watch({ key: 'k' }));
    put('k', '3'); // Fills the room: the watcher falls behind at the next revision.
    put('k', '4');
    const last = put('k', '5');
    m.compact({ revision: last });
    sink.read();
    sink.room = Number.POSITIVE_INFINITY;
    stream.drained();
    expect(lines(sink.take())).toEqual(['0@3 created', '0@4: PUT k=3', '0@0 canceled compact=6']);
    expect(stream.size).toBe(0);
    put('k', '6'); // Nothing more for it.
    stream.create(watch({ key: 'k', startRevision: first }));
    expect(lines(sink.take())).toEqual(['1@7 created', '1@0 canceled compact=6']);
    // A start AT the compact revision is still served in full.
    stream.create(watch({ key: 'k', startRevision: last }));
    expect(lines(sink.take())).toEqual(['2@7 created', '2@7: PUT k=5 PUT k=6']);
  });

  it('answers a progress request once every watcher of the stream is synced', () => {
    const { hub, put } = setup();
    put('k', '1');
    const sink = new Sink(2);
    const stream = hub.open(sink);
    stream.progress(); // No watcher: synced.
    expect(lines(sink.take())).toEqual([`${INVALID_WATCH_ID}@2`]);
    sink.read();
    stream.create(watch({ key: 'k' }));
    put('k', '2'); // Fills the room.
    put('k', '3'); // The watcher falls behind.
    stream.progress();
    expect(lines(sink.take())).toEqual(['0@2 created', '0@3: PUT k=2']);
    sink.read();
    sink.room = Number.POSITIVE_INFINITY;
    stream.drained();
    expect(lines(sink.take())).toEqual(['0@4: PUT k=3', '-1@4']);
  });

  it('notifies progress to idle watchers that asked for it, on each tick', () => {
    const { hub, put } = setup();
    const sink = new Sink();
    const stream = hub.open(sink);
    stream.create(watch({ key: 'a', progressNotify: true })); // 0
    stream.create(watch({ key: 'b', progressNotify: true })); // 1
    stream.create(watch({ key: 'c' })); // 2: did not ask
    sink.take();
    put('a', 'x');
    hub.tickProgress(); // 0 was not idle; 1 was.
    hub.tickProgress(); // Both idle.
    expect(lines(sink.take())).toEqual(['0@2: PUT a=x', '1@2', '0@2', '1@2']);
  });

  it('forgets a closed stream', () => {
    const { hub, put } = setup();
    const sink = new Sink();
    const stream = hub.open(sink);
    stream.create(watch({ key: 'k' }));
    stream.close();
    put('k', 'v');
    expect(lines(sink.take())).toEqual(['0@1 created']);
  });
});
