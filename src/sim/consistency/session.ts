// The session guarantees (Terry, Demers, Petersen, Spreitzer, Theimer & Welch 1994), per
// key, for one client process (a session) at a time. Each is checked against some order of
// the key's versions (the initial nil first) that the session may believe in: the history
// satisfies the guarantee when the constraints below have no cycle (in the style of Viotti
// & Vukolić 2016, where such an order is the arbitration order). Processes may believe in
// different orders: the guarantees are about what one session sees, not a global order.
// - Read your writes: the session's own writes are ordered as it made them, and a read
//   returns its latest own write before it or a version after that write.
// - Monotonic reads: each read returns the version of the session's previous read of the
//   key or one after it.
// - Monotonic writes: a session's writes take effect in the order it made them, so no
//   session observes one of them after observing a later one to the same key (the
//   guarantee alone constrains no reads, so this is how a history can show it broken).
// Every guarantee is implied by causal consistency, none by another. Read-from comes from
// the values (history.ts), and a cas counts as its read before its write.
//
// Fault model: none (pure computation on a prepared history).

import { INITIAL, type PreparedHistory } from './history.js';

export type SessionGuarantee = 'read-your-writes' | 'monotonic-reads' | 'monotonic-writes';

interface Edge {
  readonly to: number;
  /** The operations that impose it. */
  readonly witness: readonly number[];
}

/** Groups of operations that break `guarantee` (at most `limit` of them). */
export function sessionViolations(
  h: PreparedHistory,
  guarantee: SessionGuarantee,
  limit = 5,
): number[][] {
  const out: number[][] = [];
  if (guarantee === 'monotonic-writes') return monotonicWritesViolations(h, limit);
  for (const ids of h.sessions.values()) {
    const byKey = new Map<string, number[]>();
    for (const id of ids) {
      const key = h.ops[id]!.key;
      const list = byKey.get(key) ?? [];
      if (list.length === 0) byKey.set(key, list);
      list.push(id);
    }
    for (const keyed of byKey.values()) {
      const edges =
        guarantee === 'read-your-writes' ? yourWritesEdges(h, keyed) : monotonicReadEdges(h, keyed);
      const cycle = findCycle(edges);
      if (cycle !== undefined) out.push(cycle);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** One session's operations on one key → version constraints. */
function yourWritesEdges(h: PreparedHistory, ids: readonly number[]): Map<number, Edge[]> {
  const edges = new Map<number, Edge[]>();
  let latest: number | undefined;
  for (const id of ids) {
    const op = h.ops[id]!;
    const from = h.readFrom.get(id);
    if (op.reads !== null && latest !== undefined && from !== undefined && from !== latest)
      addEdge(edges, latest, from, [latest, id]);
    if (op.writes === null) continue;
    if (latest !== undefined) addEdge(edges, latest, id, [latest, id]);
    latest = id;
  }
  return withInitialFirst(edges);
}

function monotonicReadEdges(h: PreparedHistory, ids: readonly number[]): Map<number, Edge[]> {
  const edges = new Map<number, Edge[]>();
  let previous: number | undefined;
  for (const id of ids) {
    const from = h.readFrom.get(id);
    if (from === undefined) continue;
    if (previous !== undefined) {
      const before = h.readFrom.get(previous)!;
      if (before !== from) addEdge(edges, before, from, [previous, id]);
    }
    previous = id;
  }
  return withInitialFirst(edges);
}

/** A session observing a write after observing a later write of the same session and key. */
function monotonicWritesViolations(h: PreparedHistory, limit: number): number[][] {
  const out: number[][] = [];
  for (const ids of h.sessions.values()) {
    // For each (key, writing process): the latest of its writes this session observed.
    const latest = new Map<string, { write: number; read: number }>();
    for (const id of ids) {
      const w = h.readFrom.get(id);
      if (w === undefined || w === INITIAL) continue;
      const write = h.ops[w]!;
      const name = `${write.process}\n${write.key}`;
      const seen = latest.get(name);
      if (seen !== undefined && h.ops[seen.write]!.poIndex > write.poIndex) {
        out.push([w, seen.write, seen.read, id]);
        if (out.length >= limit) return out;
      } else latest.set(name, { write: w, read: id });
    }
  }
  return out;
}

function addEdge(edges: Map<number, Edge[]>, from: number, to: number, witness: number[]): void {
  const list = edges.get(from) ?? [];
  if (list.length === 0) edges.set(from, list);
  list.push({ to, witness });
}

/** The initial version comes before every other one. */
function withInitialFirst(edges: Map<number, Edge[]>): Map<number, Edge[]> {
  const nodes = new Set<number>();
  for (const [from, list] of edges) {
    nodes.add(from);
    for (const e of list) nodes.add(e.to);
  }
  for (const node of nodes) if (node !== INITIAL) addEdge(edges, INITIAL, node, []);
  return edges;
}

/** The witnesses of one cycle's edges (sorted, once each), or undefined when acyclic. */
function findCycle(edges: ReadonlyMap<number, readonly Edge[]>): number[] | undefined {
  const state = new Map<number, 'open' | 'done'>();
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    // Iterative depth-first search; `path` holds the edges taken to reach the top node.
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    const path: Edge[] = [];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const e = edges.get(top.node)?.[top.next++];
      if (e === undefined) {
        state.set(top.node, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      if (state.get(e.to) === 'open') {
        const at = stack.findIndex((f) => f.node === e.to);
        const witnesses = [...path.slice(at), e].flatMap((x) => x.witness);
        return [...new Set(witnesses)].sort((a, b) => a - b);
      }
      if (state.has(e.to)) continue;
      state.set(e.to, 'open');
      stack.push({ node: e.to, next: 0 });
      path.push(e);
    }
  }
  return undefined;
}
