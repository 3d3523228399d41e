// The messages of a trace as flights the stage can draw: each send paired with what became of
// it — delivered (the deliver of the same message on the same link, FIFO per link), a second
// copy delivered (a `dup`), or dropped. A message dropped as it was sent (lost on the wire, or
// its link cut) never travelled: it is drawn dying halfway along its link over a typical
// latency of the run. A message dropped on arrival (the receiver down, the link cut while it
// flew, the receiver's parser refusing it) is paired with the oldest message of its type in
// flight on that link — drop records carry the type, not the message — and dies at the
// receiver.

import type { Message } from '../../src/core/process.js';
import type { DropReason, TraceRecord } from '../../src/sim/trace.js';

export interface Flight {
  readonly from: number;
  readonly to: number;
  readonly type: string;
  readonly msg: Message;
  readonly sentAt: number;
  /** When it arrived, or (dropped) when it died. */
  readonly arrivesAt: number;
  /** Undefined when delivered. */
  readonly dropped?: DropReason;
  /** How far along its link it got: 1, or ½ for a message dropped as it was sent. */
  readonly reach: number;
  /** A second copy made by the network (`dup`). */
  readonly duplicate: boolean;
}

interface Pending {
  readonly t: number;
  readonly msg: Message;
  readonly duplicate: boolean;
  done: boolean;
}

/** Per link, the sends not yet delivered or dropped, in order (skipping finished ones). */
class InFlight {
  private readonly byKey = new Map<string, Pending[]>();
  private readonly byLink = new Map<string, { list: Pending[]; first: number }>();

  add(from: number, to: number, key: string, p: Pending): void {
    const same = this.byKey.get(key) ?? [];
    same.push(p);
    this.byKey.set(key, same);
    const link = this.byLink.get(`${from}>${to}`) ?? { list: [], first: 0 };
    link.list.push(p);
    this.byLink.set(`${from}>${to}`, link);
  }

  /** The oldest unfinished send of exactly this message, now finished. */
  take(key: string): Pending | undefined {
    const same = this.byKey.get(key);
    let p = same?.shift();
    while (p?.done) p = same?.shift();
    if (p !== undefined) p.done = true;
    return p;
  }

  /** The oldest unfinished send of this type on the link, now finished. */
  takeType(from: number, to: number, type: string): Pending | undefined {
    const link = this.byLink.get(`${from}>${to}`);
    if (link === undefined) return undefined;
    while (link.first < link.list.length && link.list[link.first]?.done) link.first++;
    const p = link.list.slice(link.first).find((x) => !x.done && x.msg.type === type);
    if (p !== undefined) p.done = true;
    return p;
  }
}

const keyOf = (from: number, to: number, msg: Message) => `${from}>${to}>${JSON.stringify(msg)}`;

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 5;
}

export function flightsOf(records: readonly TraceRecord[]): Flight[] {
  const open = new InFlight();
  const flights: Flight[] = [];
  const lostAtSend: { from: number; to: number; p: Pending; reason: DropReason }[] = [];
  let last: { from: number; to: number; key: string; p: Pending } | undefined;
  for (const r of records) {
    const previous = last;
    last = undefined;
    if (r.ev === 'send') {
      const key = keyOf(r.from, r.to, r.msg);
      const p = { t: r.t, msg: r.msg, duplicate: false, done: false };
      open.add(r.from, r.to, key, p);
      last = { from: r.from, to: r.to, key, p };
    } else if (r.ev === 'dup' && previous !== undefined) {
      open.add(r.from, r.to, previous.key, { ...previous.p, duplicate: true, done: false });
      last = previous;
    } else if (r.ev === 'deliver') {
      const p = open.take(keyOf(r.from, r.to, r.msg));
      if (p !== undefined) flights.push({ ...base(r.from, r.to, p), arrivesAt: r.t, reach: 1 });
    } else if (r.ev === 'drop') {
      // Dropped as it was sent (lost, or its link cut): the drop follows its send at once.
      const atSend =
        previous !== undefined &&
        (r.reason === 'loss' || r.reason === 'partition') &&
        previous.from === r.from &&
        previous.to === r.to &&
        previous.p.t === r.t &&
        previous.p.msg.type === r.type;
      if (previous !== undefined && atSend) {
        previous.p.done = true;
        lostAtSend.push({ from: r.from, to: r.to, p: previous.p, reason: r.reason });
        continue;
      }
      const p = open.takeType(r.from, r.to, r.type);
      if (p !== undefined)
        flights.push({ ...base(r.from, r.to, p), arrivesAt: r.t, reach: 1, dropped: r.reason });
    }
  }
  const latency = median(flights.map((f) => f.arrivesAt - f.sentAt));
  for (const { from, to, p, reason } of lostAtSend)
    flights.push({ ...base(from, to, p), arrivesAt: p.t + latency, reach: 0.5, dropped: reason });
  return flights.sort((a, b) => a.arrivesAt - b.arrivesAt);
}

function base(from: number, to: number, p: Pending) {
  return { from, to, type: p.msg.type, msg: p.msg, sentAt: p.t, duplicate: p.duplicate };
}
