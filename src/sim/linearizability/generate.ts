// Seeded client histories that are linearizable by construction, for tests and the
// checker's benchmark: a sequential execution of reads, writes and cas on registers, each
// operation stretched around its linearization point into an interval that overlaps its
// neighbours'. Some completions are made indeterminate (`info`: the operation took effect,
// or — for some writes — never did, as with a client that timed out), and the process is
// retired as Jepsen does. `withStaleRead` then breaks one by appending a read of an
// overwritten value.
//
// Fault model: none (test data).

import type { ClientHistory, ClientHistoryEvent } from '../../core/algorithm.js';
import { Prng } from '../../core/prng.js';
import { encodeValue } from './value.js';

export interface GenerateOptions {
  readonly seed: number;
  readonly operations: number;
  readonly model?: ClientHistory['model'];
  /** Concurrent client processes. */
  readonly processes?: number;
  readonly keys?: number;
  /** Values are drawn from 0..values−1; 0 makes every written value unique. */
  readonly values?: number;
  /** Percent of operations whose completion is lost (info). */
  readonly infoPercent?: number;
}

interface Timed {
  readonly at: number;
  readonly event: ClientHistoryEvent;
}

/** Gap between consecutive linearization points. */
const STEP = 10;

export function generateHistory(o: GenerateOptions): ClientHistory {
  const rng = new Prng(o.seed, 'linearizability-history');
  const model = o.model ?? 'register';
  const processes = o.processes ?? 5;
  const keys = model === 'kv' ? (o.keys ?? 4) : 1;
  const infoPercent = o.infoPercent ?? 2;
  const state = new Map<string, unknown>();
  const busyUntil: number[] = new Array(processes).fill(-1);
  const retired: number[] = new Array(processes).fill(0);
  let fresh = 0;
  const draw = () => (o.values === 0 || o.values === undefined ? ++fresh : rng.int(o.values));
  const timed: Timed[] = [];
  for (let i = 0; i < o.operations; i++) {
    const slot = i % processes;
    const at = (i + 1) * STEP * 2;
    // The interval [invoke, complete] contains `at` and starts after the process's last op.
    const invoke = Math.max(busyUntil[slot]! + 1, at - rng.int(STEP * processes));
    const complete = at + rng.int(STEP * processes);
    busyUntil[slot] = complete;
    const key = model === 'kv' ? `k${rng.int(keys)}` : undefined;
    const current = state.get(key ?? '') ?? null;
    const kind = rng.int(3);
    const f = kind === 0 ? 'read' : kind === 1 ? 'write' : 'cas';
    let type: ClientHistoryEvent['type'] = 'ok';
    let invokeValue: unknown = null;
    let completeValue: unknown = null;
    if (f === 'read') completeValue = current;
    else if (f === 'write') {
      invokeValue = completeValue = draw();
      state.set(key ?? '', invokeValue);
    } else {
      const expected = rng.chance(1, 2) ? current : rng.chance(1, 2) ? null : draw();
      const pair = [expected, draw()];
      invokeValue = completeValue = pair;
      if (encodeValue(expected) === encodeValue(current)) state.set(key ?? '', pair[1]);
      else type = 'fail';
    }
    if (type === 'ok' && rng.int(100) < infoPercent) {
      type = 'info';
      completeValue = invokeValue;
      // A write that timed out may never have happened at all.
      if (f === 'write' && rng.chance(1, 2)) state.set(key ?? '', current);
    }
    const process = slot + processes * retired[slot]!;
    if (type === 'info') retired[slot]!++;
    const base = { process, f, ...(key === undefined ? {} : { key }) } as const;
    timed.push({
      at: invoke,
      event: { ...base, type: 'invoke', value: invokeValue, time: invoke },
    });
    timed.push({ at: complete, event: { ...base, type, value: completeValue, time: complete } });
  }
  timed.sort((a, b) => a.at - b.at);
  return { model, events: timed.map((t) => t.event) };
}

/**
 * The history with a stale read appended: after everything completed, a read returns a
 * value an ok write wrote before another ok write on the same key began (both values written
 * once only), or undefined when the history has no such pair.
 */
export function withStaleRead(history: ClientHistory): ClientHistory | undefined {
  const events = history.events;
  const written = new Map<string, number>();
  for (const e of events)
    if (e.type === 'invoke' && e.f !== 'read') {
      const v = e.f === 'cas' ? (e.value as unknown[])[1] : e.value;
      const name = `${e.key ?? ''}=${encodeValue(v)}`;
      written.set(name, (written.get(name) ?? 0) + 1);
    }
  const writes = okWrites(events);
  for (const a of writes) {
    if (written.get(`${a.key ?? ''}=${encodeValue(a.value)}`) !== 1) continue;
    const b = writes.find(
      (w) =>
        w.key === a.key &&
        w.invokeAt > a.completeAt &&
        encodeValue(w.value) !== encodeValue(a.value),
    );
    if (b === undefined) continue;
    const time = (events.at(-1)?.time ?? 0) + 1;
    const process = Math.max(...events.map((e) => e.process)) + 1;
    const base = { process, f: 'read', ...(a.key === undefined ? {} : { key: a.key }) } as const;
    return {
      model: history.model,
      events: [
        ...events,
        { ...base, type: 'invoke', value: null, time },
        { ...base, type: 'ok', value: a.value, time: time + 1 },
      ],
    };
  }
  return undefined;
}

function okWrites(events: readonly ClientHistoryEvent[]) {
  const open = new Map<number, number>();
  const out: { key: string | undefined; value: unknown; invokeAt: number; completeAt: number }[] =
    [];
  events.forEach((e, i) => {
    if (e.f !== 'write') return;
    if (e.type === 'invoke') open.set(e.process, i);
    else if (e.type === 'ok')
      out.push({ key: e.key, value: e.value, invokeAt: open.get(e.process)!, completeAt: i });
  });
  return out;
}
