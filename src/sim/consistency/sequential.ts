// Sequential consistency (Lamport 1979): some single order of all operations, keeping each
// process's own order, in which every read returns the latest write to its key. Unlike
// linearizability, real time between processes does not count.
//
// Deciding it is NP-complete in general (Gibbons & Korach 1997), so the search is bounded
// (`maxConfigurations`, answering 'unknown' past it) and leans on read-from (history.ts):
// - a read whose write is the key's current one can run at once: running a read changes no
//   value, so running it earlier never spoils an order that ran it later;
// - a write (or cas) may overwrite the key's current write only once every read of that
//   write has run, because values are never written twice: an overwritten value is gone.
// Only the choice of which enabled write runs next branches; configurations (each
// process's position and each key's current write) are remembered so none is searched
// twice.
//
// The explanation is the first operation, in invoke order, that makes the history so far
// impossible to order: the history up to it (closed under what its reads read from) is
// sequentially consistent, with it not. It names that operation and the write it read.
//
// Fault model: none (pure computation on a prepared history).

import { INITIAL, type PreparedHistory } from './history.js';

/** Configurations the sequential search may visit before answering 'unknown'. */
export const DEFAULT_SEQUENTIAL_CONFIGURATIONS = 200_000;

interface Config {
  readonly pos: Int32Array;
  /** Per key index: the current write's id, or INITIAL. */
  readonly cur: Int32Array;
}

/** Whether the operations with ids in `keep` (all when undefined) can be ordered. */
export function sequentiallyConsistent(
  h: PreparedHistory,
  maxConfigurations: number,
  keep?: ReadonlySet<number>,
): boolean | 'unknown' {
  if (h.thinAir.some((id) => keep === undefined || keep.has(id))) return false;
  const included = (id: number) => keep === undefined || keep.has(id);
  const sessions = [...h.sessions.values()].map((ids) => ids.filter(included));
  const keys = [...new Set(h.ops.map((o) => o.key))];
  const keyIndex = new Map(keys.map((k, i) => [k, i]));
  // Readers of each write (and of each key's initial value), as (session, position).
  const readers = new Map<string, [number, number][]>();
  const readerName = (key: number, from: number) => `${key}:${from}`;
  sessions.forEach((ids, p) => {
    ids.forEach((id, i) => {
      const op = h.ops[id]!;
      if (op.reads === null) return;
      const name = readerName(keyIndex.get(op.key)!, h.readFrom.get(id)!);
      const list = readers.get(name) ?? [];
      if (list.length === 0) readers.set(name, list);
      list.push([p, i]);
    });
  });
  const enabled = (c: Config, id: number): boolean => {
    const op = h.ops[id]!;
    const k = keyIndex.get(op.key)!;
    if (op.reads !== null && c.cur[k] !== h.readFrom.get(id)) return false;
    if (op.writes === null) return true;
    const pending = readers.get(readerName(k, c.cur[k]!)) ?? [];
    // This op may itself be the last reader of the current value (a cas).
    return pending.every(([p, i]) => c.pos[p]! > i || sessions[p]![i] === id);
  };
  const apply = (c: Config, p: number): Config => {
    const pos = Int32Array.from(c.pos);
    const cur = Int32Array.from(c.cur);
    const op = h.ops[sessions[p]![pos[p]!]!]!;
    if (op.writes !== null) cur[keyIndex.get(op.key)!] = op.id;
    pos[p]!++;
    return closeReads(h, sessions, keyIndex, { pos, cur });
  };
  const start = closeReads(h, sessions, keyIndex, {
    pos: new Int32Array(sessions.length),
    cur: new Int32Array(keys.length).fill(INITIAL),
  });
  const stack: Config[] = [start];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (sessions.every((ids, p) => c.pos[p] === ids.length)) return true;
    const name = `${c.pos.join(',')}|${c.cur.join(',')}`;
    if (seen.has(name)) continue;
    if (seen.size >= maxConfigurations) return 'unknown';
    seen.add(name);
    for (let p = sessions.length - 1; p >= 0; p--) {
      const id = sessions[p]![c.pos[p]!];
      if (id !== undefined && h.ops[id]!.writes !== null && enabled(c, id)) stack.push(apply(c, p));
    }
  }
  return false;
}

/** Runs every read that can run, until none can (in place). */
function closeReads(
  h: PreparedHistory,
  sessions: readonly (readonly number[])[],
  keyIndex: ReadonlyMap<string, number>,
  c: Config,
): Config {
  for (let moved = true; moved; ) {
    moved = false;
    sessions.forEach((ids, p) => {
      for (;;) {
        const id = ids[c.pos[p]!];
        if (id === undefined) return;
        const op = h.ops[id]!;
        if (op.writes !== null) return;
        if (c.cur[keyIndex.get(op.key)!] !== h.readFrom.get(id)) return;
        c.pos[p]!++;
        moved = true;
      }
    });
  }
  return c;
}

/**
 * The first operation (in invoke order) whose addition makes the history impossible to
 * order, with everything it needs: ids invoked before it, closed under read-from and
 * program order. Undefined when no prefix decides (the search gave up on one).
 */
export function firstSequentialViolation(
  h: PreparedHistory,
  maxConfigurations: number,
): number | undefined {
  const fails = (n: number) => sequentiallyConsistent(h, maxConfigurations, prefix(h, n)) === false;
  let lo = 0;
  let hi = h.ops.length;
  if (!fails(hi)) return undefined;
  // Adding operations (closed as `prefix` closes them) never makes a failing history pass.
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

/** The first `n` operations, with the writes their reads read and those writes' pasts. */
function prefix(h: PreparedHistory, n: number): Set<number> {
  const keep = new Set<number>();
  const todo: number[] = [];
  for (let id = 0; id < n; id++) todo.push(id);
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    const op = h.ops[id]!;
    const from = h.readFrom.get(id);
    if (from !== undefined && from !== INITIAL) todo.push(from);
    const session = h.sessions.get(op.process)!;
    for (let i = 0; i < op.poIndex; i++) todo.push(session[i]!);
  }
  return keep;
}
