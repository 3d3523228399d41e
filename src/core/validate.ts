// Small, total checks for untrusted input (peer messages, client commands, files). Every
// algorithm's message parser is built from these, so "is this a node id?" has one answer
// everywhere. They never throw, whatever they are given: a value whose prototype has been
// tampered with, a `__proto__` key or a getter-free foreign object are all just "not valid".
//
// Lookups by a peer-supplied name (a message `type`) must use `hasOwn`: a plain object
// table indexed with 'toString' or 'constructor' finds Object.prototype's members.

import type { Message, NodeId } from './process.js';

/** A plain object (not null, not an array). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Whether `table` has `key` as its own property (never an inherited one). */
export function hasOwn<T extends object>(table: T, key: unknown): key is keyof T {
  return typeof key === 'string' && Object.hasOwn(table, key);
}

/** A safe integer ≥ 0 (an index, a term, a sequence number, a count). */
export function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** A safe integer (possibly negative). */
export function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

/** A finite number. */
export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function isBool(x: unknown): x is boolean {
  return typeof x === 'boolean';
}

export function isString(x: unknown): x is string {
  return typeof x === 'string';
}

/** A node id of a cluster of `n` nodes (1..n), or any positive safe integer without `n`. */
export function isNodeId(x: unknown, n?: number): x is NodeId {
  return isCount(x) && x >= 1 && (n === undefined || x <= n);
}

/** An array every element of which passes `item`. */
export function isArrayOf<T>(x: unknown, item: (v: unknown) => v is T): x is T[] {
  return Array.isArray(x) && x.every((v) => item(v));
}

/** `x` or null. */
export function isNullOr<T>(x: unknown, item: (v: unknown) => v is T): x is T | null {
  return x === null || item(x);
}

/**
 * One check per message type: whether a record of that `type` has every field it needs.
 * `n`, when given, is the cluster size the message's node ids must lie within (1..n).
 */
export type MessageChecks<M extends Message> = {
  readonly [K in M['type']]: (m: Readonly<Record<string, unknown>>, n?: number) => boolean;
};

/**
 * An algorithm's `parseMessage` from its table of checks: the input itself (never a copy)
 * when it is a record whose `type` is one of the table's own keys and whose check passes;
 * undefined otherwise ('toString' or '__proto__' as a type name nothing).
 */
export function parseByType<M extends Message>(
  checks: MessageChecks<M>,
  raw: unknown,
  n?: number,
): M | undefined {
  if (!isRecord(raw)) return undefined;
  const type = raw.type;
  if (!hasOwn(checks, type)) return undefined;
  const check = checks[type] as (m: Readonly<Record<string, unknown>>, n?: number) => boolean;
  return check(raw, n) ? (raw as unknown as M) : undefined;
}

/**
 * The `type` of a message for logs, counters and traces, whatever arrived: its own string
 * `type`, or a bracketed description of what came instead ('(null)', '(array)', '(no type)').
 */
export function describeType(raw: unknown): string {
  if (isRecord(raw)) {
    const type = Object.hasOwn(raw, 'type') ? raw.type : undefined;
    return typeof type === 'string' ? type : '(no type)';
  }
  if (raw === null) return '(null)';
  return Array.isArray(raw) ? '(array)' : `(${typeof raw})`;
}

/** One of the given strings (a phase, a role, a reason). */
export function isOneOf<T extends string>(x: unknown, values: readonly T[]): x is T {
  return typeof x === 'string' && (values as readonly string[]).includes(x);
}
