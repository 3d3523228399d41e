// Is one partition's history linearizable? Wing & Gong's search (1993) with Lowe's
// memoization (2017), the algorithm Porcupine implements: the history is a doubly linked
// list of call and return entries in real-time order; the search walks it from the front,
// tries to linearize each call it meets (the model must accept the operation in the current
// state), lifts a linearized operation's entries out of the list, and backtracks when it
// reaches the return of an operation not yet linearized. A configuration — the set of
// linearized operations and the model state — already explored is never explored again.
//
// The set is kept in a compact, exact form instead of a bitset: operations are numbered in
// call order, F is one past the highest linearized one, and U lists the operations below F
// that are not linearized. U is small: an `ok` operation below F that is not linearized is
// concurrent with the one at F−1 (both are open at the same point of the walk), so U holds
// at most the concurrency plus the indeterminate operations that never took effect.
//
// Indeterminate operations (`info`) have no return entry: they may be linearized at any
// point after their call or never, so the search succeeds as soon as every `ok` operation
// is linearized. Two of them with the same effect (same required and written value) whose
// calls are both behind the walk are interchangeable, so U records them by effect class
// (a multiset), not by identity; without this, k unlinearized indeterminate writes of
// one value would make 2^k configurations of one.
//
// Fault model: none (pure computation over a validated history).

import { assert } from '../../core/assert.js';
import type { Operation } from './operations.js';

/** U: unlinearized ok operations below F by id, indeterminate ones by effect class. */
interface Below {
  readonly ok: readonly number[];
  readonly info: readonly number[];
}

interface Frame {
  readonly entry: number;
  readonly state: string;
  readonly frontier: number;
  readonly below: Below;
  /** Linearized by the read reduction, not chosen: no alternative to try in its place. */
  readonly forced: boolean;
  readonly afterInfo: boolean;
}

/** The search gave up: it explored this many configurations without an answer. */
export class SearchLimitError extends Error {
  override readonly name = 'SearchLimitError';
  constructor(readonly configurations: number) {
    super(`undecided after exploring ${configurations} configurations`);
  }
}

/** Configurations explored before giving up (memory: roughly 100 bytes each). */
export const DEFAULT_MAX_CONFIGURATIONS = 4_000_000;

/**
 * True when some order of `ops` (in call order) respects real time and the register;
 * throws SearchLimitError past `maxConfigurations` (the problem is NP-complete).
 */
export function linearizable(
  all: readonly Operation[],
  initial: string,
  maxConfigurations = DEFAULT_MAX_CONFIGURATIONS,
): boolean {
  const ops = withoutUselessIndeterminate(all);
  const n = ops.length;
  // Entries 0..n−1 are calls (entry i is op i's call), n..2n−1 returns; 2n is the head.
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1).fill(-1);
  const prev = new Int32Array(2 * n + 1).fill(-1);
  linkInRealTimeOrder(ops, head, next, prev);
  const hasReturn = ops.map((op) => op.outcome === 'ok');
  let okLeft = hasReturn.filter(Boolean).length;
  const classes = new Map<string, number>();
  const effect = ops.map((op) => {
    const name = `${op.requires}>${op.next}`;
    if (!classes.has(name)) classes.set(name, classes.size);
    return classes.get(name)!;
  });

  const lift = (i: number) => {
    unlink(i, next, prev);
    if (hasReturn[i]) unlink(n + i, next, prev);
  };
  const unlift = (i: number) => {
    if (hasReturn[i]) relink(n + i, next, prev);
    relink(i, next, prev);
  };

  const seen = new Set<string>();
  const stack: Frame[] = [];
  let state = initial;
  let frontier = 0;
  let below: Below = { ok: [], info: [] };
  // Just after an indeterminate op, the next op must require what it wrote (see neededNext).
  let afterInfo = false;

  /** Linearizes `i` unless the configuration it leads to was explored already. */
  const tryLinearize = (i: number, forced: boolean): boolean => {
    const op = ops[i]!;
    const after = op.next ?? state;
    const nextBelow = linearizeIn(i, frontier, below, hasReturn, effect);
    const nextFrontier = Math.max(frontier, i + 1);
    const u = `${nextBelow.ok.join(',')}/${nextBelow.info.join(',')}`;
    const key = `${nextFrontier}/${u}|${after}${hasReturn[i] ? '' : '!'}`;
    if (seen.has(key)) return false;
    if (seen.size >= maxConfigurations) throw new SearchLimitError(seen.size);
    seen.add(key);
    stack.push({ entry: i, state, frontier, below, forced, afterInfo });
    afterInfo = !hasReturn[i];
    state = after;
    frontier = nextFrontier;
    below = nextBelow;
    lift(i);
    if (hasReturn[i]) okLeft--;
    return true;
  };
  /** Undoes choices back to the latest real one; the entry to try next, or −1. */
  const backtrack = (): number => {
    for (;;) {
      const top = stack.pop();
      if (top === undefined) return -1;
      unlift(top.entry);
      if (hasReturn[top.entry]) okLeft++;
      state = top.state;
      frontier = top.frontier;
      below = top.below;
      afterInfo = top.afterInfo;
      // A forced read failing means the configuration before it fails too.
      if (!top.forced) return next[top.entry]!;
    }
  };
  /** A callable `ok` op that leaves the state as it is and holds in it, or −1. */
  const satisfiedRead = (): number => {
    for (let e = next[head]!; e !== -1 && e < n; e = next[e]!) {
      const op = ops[e]!;
      if (hasReturn[e] && op.requires === state && (op.next === null || op.next === state))
        return e;
    }
    return -1;
  };

  /**
   * Whether indeterminate op `i` can be useful now: some other callable op requires what it
   * writes. An order that has `i` not followed at once by such an op stays valid without
   * it (the next op then requires nothing, so it overwrites `i`'s value), so `i` is tried
   * only where one can follow, and the op after it must be one (`afterInfo`). That op is
   * callable now: lifting `i` removes no return entry.
   */
  const neededNext = (i: number): boolean => {
    const value = ops[i]!.next;
    for (let e = next[head]!; e !== -1 && e < n; e = next[e]!)
      if (e !== i && ops[e]!.requires === value) return true;
    return false;
  };

  let entry = next[head]!;
  while (okLeft > 0) {
    assert(entry !== -1, 'an ok operation left means a return entry is still listed');
    if (entry === next[head]!) {
      // Partial-order reduction: a callable read that holds now can go first. Any valid
      // order from here can be rearranged to start with it: it changes no state, and no
      // remaining operation returned before its call.
      const read = satisfiedRead();
      if (read !== -1) {
        entry = tryLinearize(read, true) ? next[head]! : backtrack();
        if (entry === -1 && okLeft > 0) return false;
        continue;
      }
    }
    if (entry < n) {
      const op = ops[entry]!;
      const holds = afterInfo
        ? op.requires === state
        : op.requires === null || op.requires === state;
      if (holds && (hasReturn[entry] || neededNext(entry)) && tryLinearize(entry, false)) {
        entry = next[head]!;
        continue;
      }
      entry = next[entry]!;
    } else {
      // The return of an operation not linearized yet: undo the latest choice.
      entry = backtrack();
      if (entry === -1) return false;
    }
  }
  return true;
}

/**
 * Drops indeterminate operations no order can need: one that changes nothing, or whose
 * written value no operation that returns after its call requires. Placed in an order, such an op is
 * followed (before the next write) only by ops that require nothing, so leaving it out
 * keeps the order valid. Repeated, since dropping one can make another useless.
 */
export function withoutUselessIndeterminate(ops: readonly Operation[]): readonly Operation[] {
  let kept = ops;
  for (;;) {
    const lastReturn = new Map<string, number[]>();
    for (const op of kept) {
      if (op.requires === null) continue;
      const list = lastReturn.get(op.requires);
      if (list === undefined) lastReturn.set(op.requires, [op.returnIndex]);
      else list.push(op.returnIndex);
    }
    const useful = (x: Operation) =>
      x.outcome === 'ok' ||
      (x.next !== null &&
        x.next !== x.requires &&
        (lastReturn.get(x.next) ?? []).some((r) => r > x.callIndex));
    const next = kept.filter(useful);
    if (next.length === kept.length) return kept;
    kept = next;
  }
}

/** U after linearizing op `i`: drop it, or add the ops it jumps over (none linearized). */
function linearizeIn(
  i: number,
  frontier: number,
  below: Below,
  hasReturn: readonly boolean[],
  effect: readonly number[],
): Below {
  if (i < frontier) {
    if (hasReturn[i]) return { ok: below.ok.filter((j) => j !== i), info: below.info };
    const at = below.info.indexOf(effect[i]!);
    assert(at !== -1, 'an unlinearized indeterminate op below F is counted in its class');
    return { ok: below.ok, info: [...below.info.slice(0, at), ...below.info.slice(at + 1)] };
  }
  const ok = [...below.ok];
  const info = [...below.info];
  for (let j = frontier; j < i; j++) {
    if (hasReturn[j]) ok.push(j);
    else info.push(effect[j]!);
  }
  if (info.length !== below.info.length) info.sort((a, b) => a - b);
  return { ok, info };
}

function linkInRealTimeOrder(
  ops: readonly Operation[],
  head: number,
  next: Int32Array,
  prev: Int32Array,
): void {
  const n = ops.length;
  const order: { entry: number; at: number }[] = [];
  ops.forEach((op, i) => {
    order.push({ entry: i, at: op.callIndex });
    if (op.outcome === 'ok') order.push({ entry: n + i, at: op.returnIndex });
  });
  order.sort((a, b) => a.at - b.at);
  let last = head;
  for (const { entry } of order) {
    next[last] = entry;
    prev[entry] = last;
    last = entry;
  }
  next[last] = -1;
}

function unlink(e: number, next: Int32Array, prev: Int32Array): void {
  const p = prev[e]!;
  const q = next[e]!;
  next[p] = q;
  if (q !== -1) prev[q] = p;
}

/** Undoes unlink(e); the dancing-links order (reverse of the unlinks) keeps it exact. */
function relink(e: number, next: Int32Array, prev: Int32Array): void {
  const p = prev[e]!;
  const q = next[e]!;
  next[p] = e;
  if (q !== -1) prev[q] = e;
}
