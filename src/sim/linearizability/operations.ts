// From a Jepsen-shaped event history to operations: each process's invoke is paired with
// the completion that follows it. The history's order is its real-time order (as in Jepsen
// and Knossos, where `:index` is the order); `time` is only reported, never compared.
//
// Semantics (Knossos'): a `fail` completion means the operation did not happen, so it is
// dropped; an `info` completion (or none, when the history ends first) means the operation
// may have taken effect at any point after its invoke, or never — its return is at +∞. A
// write's and a cas's value come from the invoke (Jepsen's `info` events often carry an
// error such as `:timed-out` instead); a read's value is known only from its `ok`, so an
// indeterminate read constrains nothing and is dropped as well.
//
// An append adds a string to the end of the value (Porcupine's key-value model, Redis'
// APPEND): unlike a write, what it leaves depends on what it found. In the kv model an
// absent key and the empty string are one state, as in the stores such histories come from
// (a Go client reads a missing key as ""; APPEND to a missing key starts from "").
//
// Fault model: the input is untrusted; every malformation is a HistoryError naming the
// event, never an assertion.

import type { ClientHistory, ClientHistoryEvent } from '../../core/algorithm.js';
import { encodeValue } from './value.js';

export type Model = ClientHistory['model'];

/** One operation of one partition, with the register semantics pre-compiled. */
export interface Operation {
  readonly process: number;
  readonly f: ClientHistoryEvent['f'];
  /** The partition's key (kv model), or undefined for the single register. */
  readonly key: string | undefined;
  /** As reported: a write's value, a cas's [expected, new], the value a read returned. */
  readonly value: unknown;
  readonly outcome: 'ok' | 'info';
  /** Positions of the invoke and the completion in the history (completion ∞ when info). */
  readonly callIndex: number;
  readonly returnIndex: number;
  readonly invokeTime: number;
  readonly completeTime: number | null;
  /** The encoded value the register must hold for the op to take effect, if any. */
  readonly requires: string | null;
  /** The encoded value the register holds afterwards, or null when it is unchanged. */
  readonly next: string | null;
  /** An append's string: the register afterwards holds what it held with this at the end. */
  readonly appends: string | null;
}

/** Whether an append can take effect in `state`: it holds a string, or nothing. */
export function appendable(state: string): boolean {
  return state === INITIAL_VALUE || state.startsWith('"');
}

/** The state after appending `suffix` to `state` (which must be appendable). */
export function appended(state: string, suffix: string): string {
  const before = state === INITIAL_VALUE ? '' : (JSON.parse(state) as string);
  return encodeValue(before + suffix);
}

/** A malformed history, naming the (0-based) position of the offending event. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    message: string,
    readonly eventIndex: number,
  ) {
    super(message);
  }
}

export interface Operations {
  /** Invocations in the history, including failed and indeterminate ones. */
  readonly invoked: number;
  /** Partitions in order of first appearance; each list is in call order. */
  readonly partitions: ReadonlyMap<string, readonly Operation[]>;
}

interface Open {
  readonly event: ClientHistoryEvent;
  readonly index: number;
  readonly key: string | undefined;
  readonly value: unknown;
}

/** The register's initial value: Jepsen's registers start as nil. */
export const INITIAL_VALUE = encodeValue(null);

/** Pairs invokes with completions and partitions the operations (one partition per key). */
export function toOperations(events: readonly ClientHistoryEvent[], model: Model): Operations {
  const open = new Map<number, Open>();
  const partitions = new Map<string, Operation[]>();
  const add = (op: Operation) => {
    const name = op.key ?? '';
    const list = partitions.get(name);
    if (list === undefined) partitions.set(name, [op]);
    else list.push(op);
  };
  let invoked = 0;
  events.forEach((event, index) => {
    const { key, value } = keyed(event, model, index);
    if (event.type === 'invoke') {
      if (open.has(event.process))
        throw new HistoryError(
          `process ${event.process} invokes ${event.f} while its earlier operation is open`,
          index,
        );
      open.set(event.process, { event, index, key, value });
      invoked++;
      return;
    }
    const o = open.get(event.process);
    if (o === undefined)
      throw new HistoryError(
        `process ${event.process} completes ${event.f} it never invoked`,
        index,
      );
    if (o.event.f !== event.f)
      throw new HistoryError(
        `process ${event.process} completes ${event.f} but invoked ${o.event.f}`,
        index,
      );
    open.delete(event.process);
    if (event.type === 'fail') return;
    const op = compile(o, event.type === 'ok' ? { event, index, value } : undefined, model);
    if (op !== undefined) add(op);
  });
  // Operations still open when the history ends are indeterminate, as in Knossos.
  for (const o of open.values()) {
    const op = compile(o, undefined, model);
    if (op !== undefined) add(op);
  }
  for (const list of partitions.values()) list.sort((a, b) => a.callIndex - b.callIndex);
  return { invoked, partitions };
}

/** The event's key and value; jepsen.independent histories carry `[key value]` tuples. */
function keyed(
  event: ClientHistoryEvent,
  model: Model,
  index: number,
): { key: string | undefined; value: unknown } {
  if (model === 'register') return { key: undefined, value: event.value };
  if (event.key !== undefined) return { key: event.key, value: event.value };
  const v = event.value;
  if (Array.isArray(v) && v.length === 2) {
    const k = v[0] as unknown;
    return { key: typeof k === 'string' ? k : encodeValue(k), value: v[1] as unknown };
  }
  // Jepsen's info completions may carry an error instead of the tuple; the invoke has it.
  if (event.type === 'info' || event.type === 'fail') return { key: undefined, value: v };
  throw new HistoryError(
    `the kv model needs a key: give "key", or a [key value] tuple as the value`,
    index,
  );
}

function compile(
  invoke: Open,
  ok: { event: ClientHistoryEvent; index: number; value: unknown } | undefined,
  model: Model,
): Operation | undefined {
  const { event, index, key } = invoke;
  const encode = model === 'kv' ? encodeKvValue : encodeValue;
  const base = {
    process: event.process,
    f: event.f,
    key,
    outcome: ok === undefined ? ('info' as const) : ('ok' as const),
    callIndex: index,
    returnIndex: ok === undefined ? Number.POSITIVE_INFINITY : ok.index,
    invokeTime: event.time,
    completeTime: ok === undefined ? null : ok.event.time,
    appends: null,
  };
  switch (event.f) {
    case 'read':
      // An indeterminate read returned nothing we know of: it constrains nothing.
      if (ok === undefined) return undefined;
      return { ...base, value: ok.value, requires: encode(ok.value), next: null };
    case 'write':
      return { ...base, value: invoke.value, requires: null, next: encode(invoke.value) };
    case 'cas': {
      const v = invoke.value;
      if (!Array.isArray(v) || v.length !== 2)
        throw new HistoryError(`a cas value must be [expected, new], got ${show(v)}`, index);
      return { ...base, value: v, requires: encode(v[0]), next: encode(v[1]) };
    }
    case 'append': {
      const v = invoke.value;
      if (typeof v !== 'string')
        throw new HistoryError(`an append value must be a string, got ${show(v)}`, index);
      return { ...base, value: v, requires: null, next: null, appends: v };
    }
  }
}

/** Whether encoded `value` starts with encoded `prefix` (strings; nil is the empty one). */
export function valueStartsWith(value: string, prefix: string): boolean {
  if (value === prefix || prefix === INITIAL_VALUE) return true;
  if (!value.startsWith('"') || !prefix.startsWith('"')) return false;
  return (JSON.parse(value) as string).startsWith(JSON.parse(prefix) as string);
}

/** The kv model's encoding: the empty string is the absent value. */
function encodeKvValue(v: unknown): string {
  return v === '' ? INITIAL_VALUE : encodeValue(v);
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : encodeValue(v);
}
