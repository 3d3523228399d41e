// The minimal explanation of a non-linearizable partition: a smallest set E of operations
// whose constraints cannot be met together, found by delta debugging (Zeller & Hildebrandt
// 2002, ddmin) after binary searches for a short failing window (in call order), plus one
// sentence saying why in words.
//
// Operations outside E are not deleted but relaxed: a read is dropped (it constrains
// nothing), a write or cas becomes indeterminate (it may take effect at any point after
// its invoke, or never). Relaxing only ever admits more orders, so "E with the rest
// relaxed fails" is monotone, unlike plain deletion — deleting the write a stale read saw
// would leave "a read of a value nobody wrote", a violation the history never had. E then
// fails on its own too (relaxed writes can always be left out), and E is 1-minimal:
// relaxing any one of its operations makes the history linearizable.
//
// To keep each test cheap, relaxed writes that cannot matter are pruned: one whose value no
// operation of E (or a relaxed cas that may be needed) requires is never needed — leaving
// it out of an order keeps the order valid — and of those with one effect (same required
// and written value) writing v only the earliest m are kept, m being the number of
// operations that may require v: each use needs its own later requirement, and an earlier
// invoke admits every position a later one does. With appends a value is built from
// pieces, so the pruning differs (withAppendsRelaxed): a relaxed append matters only if its
// piece occurs in a value something requires, a relaxed write only if it starts one.
//
// Fault model: none (pure computation).

import { INITIAL_VALUE, type Operation, valueStartsWith } from './operations.js';
import { linearizable, SearchLimitError } from './search.js';

/** A 1-minimal set of operations of `ops` (which must fail) that fails, in call order. */
export function minimalFailing(
  ops: readonly Operation[],
  initial: string,
  maxConfigurations?: number,
): Operation[] {
  // A candidate the search cannot decide is treated as passing: the result then still
  // fails, though it may not be 1-minimal.
  const fails = (kept: readonly Operation[]) => {
    try {
      return !linearizable(withRestRelaxed(ops, kept), initial, maxConfigurations);
    } catch (error) {
      if (error instanceof SearchLimitError) return false;
      throw error;
    }
  };
  // The shortest failing prefix, then the shortest failing window ending there: relaxing
  // more operations only admits more orders, so both bisections are exact.
  let lo = 0;
  let hi = ops.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fails(ops.slice(0, mid))) hi = mid;
    else lo = mid;
  }
  let from = 0;
  let to = hi;
  while (to - from > 1) {
    const mid = (from + to) >> 1;
    if (fails(ops.slice(mid, hi))) from = mid;
    else to = mid;
  }
  return ddmin(ops.slice(from, hi), fails);
}

/** `kept` as they are, every other operation of `all` relaxed (and pruned), in call order. */
export function withRestRelaxed(
  all: readonly Operation[],
  kept: readonly Operation[],
): Operation[] {
  const keep = new Set(kept);
  if (all.some((op) => op.appends !== null)) return withAppendsRelaxed(all, keep);
  // Values some order may need: those E requires and, transitively, those a relaxed cas
  // writing a needed value requires. Counting every such cas as a user over-approximates
  // the budget, which only keeps more writes than needed.
  const needed = new Set<string>();
  for (const op of kept) if (op.requires !== null) needed.add(op.requires);
  const cas = all.filter((op) => !keep.has(op) && op.requires !== null && op.next !== null);
  for (let grew = true; grew; ) {
    grew = false;
    for (const op of cas)
      if (needed.has(op.next!) && !needed.has(op.requires!)) {
        needed.add(op.requires!);
        grew = true;
      }
  }
  const required = new Map<string, number>();
  for (const op of [...kept, ...cas.filter((c) => needed.has(c.next!))])
    if (op.requires !== null) required.set(op.requires, (required.get(op.requires) ?? 0) + 1);
  const used = new Map<string, number>();
  const out: Operation[] = [];
  for (const op of all) {
    if (keep.has(op)) {
      out.push(op);
      continue;
    }
    if (op.next === null) continue; // A read: relaxed, it constrains nothing.
    const budget = required.get(op.next) ?? 0;
    const name = `${op.requires}>${op.next}`;
    const count = used.get(name) ?? 0;
    if (count >= budget) continue;
    used.set(name, count + 1);
    out.push(relaxed(op));
  }
  return out;
}

/**
 * withRestRelaxed for a partition with appends. An indeterminate append of s that took
 * effect leaves s in the value until a write replaces it, so every op that requires a value
 * in between requires one containing s; if no required value contains s, leaving the append
 * out keeps any order valid. Likewise a write of w is followed, until the next write, only
 * by values that start with w. Required values are those of E and of every relaxed cas.
 */
function withAppendsRelaxed(all: readonly Operation[], keep: ReadonlySet<Operation>): Operation[] {
  const required = all
    .filter((op) => op.requires !== null && (keep.has(op) || op.next !== null))
    .map((op) => op.requires!);
  const texts = required.flatMap((v) => (v.startsWith('"') ? [JSON.parse(v) as string] : []));
  const needs = (op: Operation): boolean => {
    if (op.appends !== null) return op.appends !== '' && texts.some((t) => t.includes(op.appends!));
    const w = op.next;
    if (w === null) return false; // A read: relaxed, it constrains nothing.
    // From nothing appends can build anything.
    return w === INITIAL_VALUE || required.some((r) => valueStartsWith(r, w));
  };
  return all.flatMap((op) => (keep.has(op) ? [op] : needs(op) ? [relaxed(op)] : []));
}

function relaxed(op: Operation): Operation {
  if (op.outcome === 'info') return op;
  return { ...op, outcome: 'info', returnIndex: Number.POSITIVE_INFINITY, completeTime: null };
}

function ddmin(start: Operation[], fails: (ops: readonly Operation[]) => boolean): Operation[] {
  let ops = start;
  let granularity = 2;
  while (ops.length >= 2) {
    const chunks = split(ops, granularity);
    let reduced = false;
    for (let i = 0; i < chunks.length && !reduced; i++) {
      if (fails(chunks[i]!)) {
        ops = chunks[i]!;
        granularity = 2;
        reduced = true;
      }
    }
    for (let i = 0; i < chunks.length && !reduced && chunks.length > 2; i++) {
      const complement = chunks.filter((_, j) => j !== i).flat();
      if (fails(complement)) {
        ops = complement;
        granularity = Math.max(granularity - 1, 2);
        reduced = true;
      }
    }
    if (!reduced) {
      if (granularity >= ops.length) break;
      granularity = Math.min(ops.length, granularity * 2);
    }
  }
  return ops;
}

function split<T>(list: readonly T[], parts: number): T[][] {
  const chunks: T[][] = [];
  let from = 0;
  for (let i = 0; i < parts; i++) {
    const to = Math.round(((i + 1) * list.length) / parts);
    if (to > from) chunks.push(list.slice(from, to));
    from = to;
  }
  return chunks;
}

/**
 * One sentence on why the minimal operations cannot be ordered; `all` is the partition
 * they come from (the writes a read could have seen need not be among them).
 */
export function reasonFor(
  ops: readonly Operation[],
  all: readonly Operation[],
  initial: string,
): string {
  const where = ops[0]?.key === undefined ? '' : ` (key ${ops[0]!.key})`;
  // The sentences below reason about blind writes; values built by appends need the search.
  const blind = !all.some((op) => op.appends !== null);
  for (const r of blind ? ops : []) {
    if (r.requires === null || r.outcome !== 'ok') continue;
    const seen = r.requires;
    const what = r.f === 'read' ? `read ${seen}` : `cas expecting ${seen}`;
    // Writes invoked after the read returned cannot explain it.
    const producers = all.filter((o) => o !== r && o.next === seen && o.callIndex < r.returnIndex);
    if (producers.length === 0 && seen !== initial)
      return `process ${r.process}'s ${what}${where}, but no operation wrote ${seen}`;
    // An operation that saw or left another value after every write of this one.
    const overwrite = ops.find((o) => {
      const after = o.next ?? o.requires;
      return (
        o.outcome === 'ok' &&
        after !== null &&
        after !== seen &&
        o.returnIndex < r.callIndex &&
        producers.every((p) => p.returnIndex < o.callIndex)
      );
    });
    if (overwrite !== undefined) {
      const after = overwrite.next ?? overwrite.requires;
      const writes =
        producers.length === 0
          ? `the initial ${seen} was overwritten before that`
          : `every write of ${seen} came before that`;
      return (
        `stale ${r.f}: process ${r.process}'s ${what}${where} began after process ` +
        `${overwrite.process}'s ${overwrite.f} of ${after} had completed, and ${writes}`
      );
    }
  }
  return (
    `no order of these ${ops.length} operations that respects real time (each takes effect ` +
    `between its invoke and its completion) gives every read and cas the result observed${where}`
  );
}
