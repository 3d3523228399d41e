// A client history prepared for the consistency models weaker than linearizability: the
// operations that happened, each process's operations in its own order (program order, a
// session), and the read-from relation — which write each read saw.
//
// Read-from is taken from the values, which is what makes the weaker models checkable at
// all (sequential and causal consistency are NP-complete for arbitrary histories; Gibbons &
// Korach 1997, Bouajjani et al. 2017): it requires a *differentiated* history, where no two
// writes to a key write the same value and none writes the initial nil (a delete, in the kv
// model). Cohort's workloads write `<client>.<seq>` (replicated-kv/workload.ts), so their
// histories are differentiated as long as they do not delete; `differentiated` says when a
// history is not, and the models that need read-from then answer 'unknown'. Appends build
// values from pieces, so a history with appends is never differentiated.
//
// What happened: a `fail` completion did not happen (dropped by toOperations); an `info`
// (indeterminate) read constrains nothing and is dropped; an indeterminate write or cas is
// kept only when some read observed its value — then it did take effect — and otherwise is
// left out, which every model here allows (it may never have happened). A cas that took
// effect is one operation that reads its expected value and writes its new one.
//
// Fault model: the history is untrusted input; malformed ones are HistoryErrors (from
// toOperations), undifferentiated ones a stated reason, never an exception.

import type { ClientHistoryEvent } from '../../core/algorithm.js';
import type { ExplainedOperation } from '../linearizability/check.js';
import {
  INITIAL_VALUE,
  type Model,
  type Operation,
  toOperations,
} from '../linearizability/operations.js';

/** One operation, with what it read from and wrote. */
export interface COp {
  /** Position in `PreparedHistory.ops` (ops are in invoke order). */
  readonly id: number;
  readonly process: number;
  /** The key ('' for the register model). */
  readonly key: string;
  /** The encoded value it read (a read, a cas's expected), or null when it reads nothing. */
  readonly reads: string | null;
  /** The encoded value it wrote (a write, a cas's new value), or null. */
  readonly writes: string | null;
  /** Its position in its process's operations. */
  readonly poIndex: number;
  readonly source: Operation;
}

/** Where a read's value came from: a write's id, or INITIAL (the key's initial nil). */
export const INITIAL = -1;

export interface PreparedHistory {
  readonly model: Model;
  /** Operations invoked, including failed and indeterminate ones (as the lin checker counts). */
  readonly invoked: number;
  /** The operations that happened, in invoke order. */
  readonly ops: readonly COp[];
  /** Each process's operation ids in program order (processes in order of appearance). */
  readonly sessions: ReadonlyMap<number, readonly number[]>;
  /** Why read-from cannot be taken from the values, when it cannot. */
  readonly undifferentiated?: string;
  /** For each op that reads: the id of the write it read from, or INITIAL. */
  readonly readFrom: ReadonlyMap<number, number>;
  /** Reads of a value no operation wrote ("out of thin air"): a violation of every model. */
  readonly thinAir: readonly number[];
  /** Every write (and cas) id per key, in invoke order. */
  readonly writesByKey: ReadonlyMap<string, readonly number[]>;
  /** Indeterminate writes nobody observed: left out of `ops` (they may never have happened). */
  readonly unobserved: readonly Operation[];
}

/** Prepares `events`; throws HistoryError when they are malformed. */
export function prepareHistory(
  events: readonly ClientHistoryEvent[],
  model: Model,
): PreparedHistory {
  const { invoked, partitions } = toOperations(events, model);
  const all = [...partitions.values()].flat().sort((a, b) => a.callIndex - b.callIndex);
  const appends = all.find((op) => op.appends !== null);
  const observed = new Set<string>();
  for (const op of all) if (op.requires !== null) observed.add(`${op.key ?? ''}\n${op.requires}`);
  const happened = all.filter(
    (op) =>
      op.outcome === 'ok' || (op.next !== null && observed.has(`${op.key ?? ''}\n${op.next}`)),
  );
  const kept = new Set(happened);
  const unobserved = all.filter((op) => op.next !== null && !kept.has(op));
  const ops: COp[] = [];
  const sessions = new Map<number, number[]>();
  for (const source of happened) {
    const session = sessions.get(source.process) ?? [];
    if (session.length === 0) sessions.set(source.process, session);
    const id = ops.length;
    ops.push({
      id,
      process: source.process,
      key: source.key ?? '',
      reads: source.requires,
      writes: source.next,
      poIndex: session.length,
      source,
    });
    session.push(id);
  }
  const writer = new Map<string, number>();
  const writesByKey = new Map<string, number[]>();
  let undifferentiated: string | undefined =
    appends === undefined ? undefined : 'appends build values from pieces: read-from is unknown';
  for (const op of ops) {
    if (op.writes === null) continue;
    const list = writesByKey.get(op.key) ?? [];
    if (list.length === 0) writesByKey.set(op.key, list);
    list.push(op.id);
    const name = `${op.key}\n${op.writes}`;
    if (op.writes === INITIAL_VALUE)
      undifferentiated ??= `${describe(op)} writes nil, the initial value: read-from is unknown`;
    else if (writer.has(name))
      undifferentiated ??= `${describe(op)} writes a value written before: read-from is unknown`;
    writer.set(name, op.id);
  }
  const readFrom = new Map<number, number>();
  const thinAir: number[] = [];
  for (const op of ops) {
    if (op.reads === null) continue;
    const from = op.reads === INITIAL_VALUE ? INITIAL : writer.get(`${op.key}\n${op.reads}`);
    if (from === undefined) thinAir.push(op.id);
    else readFrom.set(op.id, from);
  }
  return {
    model,
    invoked,
    ops,
    sessions,
    ...(undifferentiated === undefined ? {} : { undifferentiated }),
    readFrom,
    thinAir,
    writesByKey,
    unobserved,
  };
}

/** `process 3 write "1.2" (key k0)`, for reasons. */
export function describe(op: COp): string {
  const s = op.source;
  const key = s.key === undefined ? '' : ` (key ${s.key})`;
  return `process ${s.process} ${s.f} ${JSON.stringify(s.value)}${key}`;
}

/** An operation as reports name it (the linearizability checker's shape). */
export function explained(op: COp): ExplainedOperation {
  const s = op.source;
  return {
    process: s.process,
    f: s.f,
    ...(s.key === undefined ? {} : { key: s.key }),
    value: s.value,
    outcome: s.outcome,
    invokeTime: s.invokeTime,
    completeTime: s.completeTime,
    invokeEvent: s.callIndex,
    completeEvent: Number.isFinite(s.returnIndex) ? s.returnIndex : null,
  };
}
