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
// With appends in the partition, values are built from pieces and those reductions do not
// hold; a different one does (neededLater): an indeterminate op is linearized only where the
// value it leaves is the start of a value some remaining op requires.
//
// Fault model: none (pure computation over a validated history).

import { assert } from '../../core/assert.js';
import { appendable, appended, type Operation, valueStartsWith } from './operations.js';

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
  return new Search(withoutUselessIndeterminate(all), initial, maxConfigurations).run();
}

/** One search over one partition; entries 0..n−1 are calls, n..2n−1 returns, 2n the head. */
class Search {
  private readonly n: number;
  private readonly head: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly hasReturn: readonly boolean[];
  /** Each op's effect class (same required and written value). */
  private readonly effect: readonly number[];
  /** Some op appends: values are built from pieces (neededLater instead of neededNext). */
  private readonly appends: boolean;
  private readonly seen = new Set<string>();
  private readonly stack: Frame[] = [];
  private okLeft: number;
  private frontier = 0;
  private below: Below = { ok: [], info: [] };
  /** Just after an indeterminate op, the next op must require what it wrote (neededNext). */
  private afterInfo = false;

  constructor(
    private readonly ops: readonly Operation[],
    private state: string,
    private readonly maxConfigurations: number,
  ) {
    const n = ops.length;
    this.n = n;
    this.head = 2 * n;
    this.next = new Int32Array(2 * n + 1).fill(-1);
    this.prev = new Int32Array(2 * n + 1).fill(-1);
    linkInRealTimeOrder(ops, this.head, this.next, this.prev);
    this.hasReturn = ops.map((op) => op.outcome === 'ok');
    this.okLeft = this.hasReturn.filter(Boolean).length;
    this.appends = ops.some((op) => op.appends !== null);
    const classes = new Map<string, number>();
    this.effect = ops.map((op) => {
      const name = `${op.requires}>${op.next}+${op.appends}`;
      if (!classes.has(name)) classes.set(name, classes.size);
      return classes.get(name)!;
    });
  }

  run(): boolean {
    const { next, head, n } = this;
    let entry = next[head]!;
    while (this.okLeft > 0) {
      assert(entry !== -1, 'an ok operation left means a return entry is still listed');
      if (entry === next[head]!) {
        // Partial-order reduction: a callable read that holds now can go first. Any valid
        // order from here can be rearranged to start with it: it changes no state, and no
        // remaining operation returned before its call.
        const read = this.satisfiedRead();
        if (read !== -1) {
          entry = this.tryLinearize(read, true) ? next[head]! : this.backtrack();
          if (entry === -1 && this.okLeft > 0) return false;
          continue;
        }
      }
      if (entry < n) {
        if (this.allowed(entry) && this.tryLinearize(entry, false)) {
          entry = next[head]!;
          continue;
        }
        entry = next[entry]!;
      } else {
        // The return of an operation not linearized yet: undo the latest choice.
        entry = this.backtrack();
        if (entry === -1) return false;
      }
    }
    return true;
  }

  private allowed(i: number): boolean {
    const op = this.ops[i]!;
    const holds = this.afterInfo
      ? op.requires === this.state
      : op.requires === null || op.requires === this.state;
    if (op.appends !== null && !appendable(this.state)) return false;
    if (!holds || this.hasReturn[i]) return holds;
    return this.appends ? this.neededLater(i) : this.neededNext(i);
  }

  /** Linearizes `i` unless the configuration it leads to was explored already. */
  private tryLinearize(i: number, forced: boolean): boolean {
    const op = this.ops[i]!;
    const info = !this.hasReturn[i];
    const after = this.after(op);
    const below = linearizeIn(i, this.frontier, this.below, this.hasReturn, this.effect);
    const frontier = Math.max(this.frontier, i + 1);
    const u = `${below.ok.join(',')}/${below.info.join(',')}`;
    const key = `${frontier}/${u}|${after}${info ? '!' : ''}`;
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.maxConfigurations) throw new SearchLimitError(this.seen.size);
    this.seen.add(key);
    const { state, afterInfo } = this;
    this.stack.push({
      entry: i,
      state,
      frontier: this.frontier,
      below: this.below,
      forced,
      afterInfo,
    });
    this.afterInfo = info && !this.appends;
    this.state = after;
    this.frontier = frontier;
    this.below = below;
    unlink(i, this.next, this.prev);
    if (!info) {
      unlink(this.n + i, this.next, this.prev);
      this.okLeft--;
    }
    return true;
  }

  /** Undoes choices back to the latest real one; the entry to try next, or −1. */
  private backtrack(): number {
    for (;;) {
      const top = this.stack.pop();
      if (top === undefined) return -1;
      const i = top.entry;
      if (this.hasReturn[i]) {
        relink(this.n + i, this.next, this.prev);
        this.okLeft++;
      }
      relink(i, this.next, this.prev);
      this.state = top.state;
      this.frontier = top.frontier;
      this.below = top.below;
      this.afterInfo = top.afterInfo;
      // A forced read failing means the configuration before it fails too.
      if (!top.forced) return this.next[i]!;
    }
  }

  private after(op: Operation): string {
    return op.appends !== null ? appended(this.state, op.appends) : (op.next ?? this.state);
  }

  /**
   * neededNext when values are built by appends: whether some op not yet linearized
   * requires a value that starts with the one indeterminate op `i` would leave. Until the
   * next write every value starts with it, so if none does, no op between requires
   * anything and an order with `i` there stays valid without it. (From a non-string value
   * leaving `i` out could disable an append after it, so there `i` is always tried.)
   */
  private neededLater(i: number): boolean {
    const { next, ops, n } = this;
    if (!appendable(this.state)) return true;
    const left = this.after(ops[i]!);
    for (let e = next[this.head]!; e !== -1; e = next[e]!) {
      const r = e < n && e !== i ? ops[e]!.requires : null;
      if (r !== null && valueStartsWith(r, left)) return true;
    }
    return false;
  }

  /** A callable `ok` op that leaves the state as it is and holds in it, or −1. */
  private satisfiedRead(): number {
    const { next, ops, state } = this;
    for (let e = next[this.head]!; e !== -1 && e < this.n; e = next[e]!) {
      const op = ops[e]!;
      const same = op.appends === null && (op.next === null || op.next === state);
      if (this.hasReturn[e] && op.requires === state && same) return e;
    }
    return -1;
  }

  /**
   * Whether indeterminate op `i` can be useful now: some other callable op requires what it
   * writes. An order that has `i` not followed at once by such an op stays valid without
   * it (the next op then requires nothing, so it overwrites `i`'s value), so `i` is tried
   * only where one can follow, and the op after it must be one (`afterInfo`). That op is
   * callable now: lifting `i` removes no return entry.
   */
  private neededNext(i: number): boolean {
    const { next, ops } = this;
    if (ops[i]!.appends !== null) return true;
    const value = ops[i]!.next;
    for (let e = next[this.head]!; e !== -1 && e < this.n; e = next[e]!)
      if (e !== i && ops[e]!.requires === value) return true;
    return false;
  }
}

/**
 * Drops indeterminate operations no order can need: one that changes nothing, or whose
 * written value no operation that returns after its call requires. Placed in an order, such
 * an op is followed (before the next write) only by ops that require nothing, so leaving it
 * out keeps the order valid. Repeated, since dropping one can make another useless.
 */
export function withoutUselessIndeterminate(ops: readonly Operation[]): readonly Operation[] {
  // With appends a value can be needed as the start of another; neededLater prunes then.
  if (ops.some((op) => op.appends !== null)) return ops;
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
