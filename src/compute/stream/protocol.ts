// The messages between the stream master and its workers, over a forked child's IPC channel
// (../worker-process.ts; ../mapreduce/master.ts explains why not the runtime's transport).
// Every tuple passes through the master, which routes it to the worker holding its task
// (Storm's workers connect to each other directly; here the master is the one hub). A
// worker reports each executed tuple in ONE message — its emitted children, its sink writes
// and its ack (the XOR of the input's id and the children's ids) — so the master sees the
// children and the writes no later than the ack. Each side checks what it receives; a
// worker's malformed message is that worker's failure.

import { isArrayOf, isCount, isOneOf, isRecord, isString } from '../../core/validate.js';
import type { SinkWrite, TaskRef, Topology } from './topology.js';

/** A tuple: 64-bit ids as 16 hex digits (JSON has no 64-bit integers). */
export interface Tuple {
  readonly task: TaskRef;
  /** This tuple's id. */
  readonly id: string;
  /** The spout tuple at the root of its tree (the acker's key). */
  readonly root: string;
  readonly values: readonly unknown[];
}

export type ToWorker =
  | { readonly type: 'init'; readonly worker: number; readonly topology: Topology }
  | { readonly type: 'tuple'; readonly tuple: Tuple }
  | { readonly type: 'exit' };

export type FromWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done';
      readonly root: string;
      /** The input's id XOR every child's id. */
      readonly xor: string;
      readonly emits: readonly Tuple[];
      readonly writes: readonly SinkWrite[];
    }
  | { readonly type: 'fail'; readonly root: string; readonly reason: string };

const HEX64 = /^[0-9a-f]{16}$/;
const isId = (x: unknown): x is string => isString(x) && HEX64.test(x);

function isTaskRef(x: unknown): x is TaskRef {
  return isRecord(x) && isString(x.component) && isCount(x.index);
}

export function isTuple(x: unknown): x is Tuple {
  return isRecord(x) && isTaskRef(x.task) && isId(x.id) && isId(x.root) && Array.isArray(x.values);
}

function isSinkWrite(x: unknown): x is SinkWrite {
  return (
    isRecord(x) &&
    isCount(x.record) &&
    isString(x.uid) &&
    isString(x.key) &&
    typeof x.delta === 'number' &&
    Number.isSafeInteger(x.delta)
  );
}

export function parseFromWorker(raw: unknown): FromWorker | undefined {
  if (!isRecord(raw) || !isOneOf(raw.type, ['ready', 'done', 'fail'] as const)) return undefined;
  if (raw.type === 'ready') return { type: 'ready' };
  if (!isId(raw.root)) return undefined;
  if (raw.type === 'fail')
    return isString(raw.reason) ? { type: 'fail', root: raw.root, reason: raw.reason } : undefined;
  if (!isId(raw.xor) || !isArrayOf(raw.emits, isTuple) || !isArrayOf(raw.writes, isSinkWrite))
    return undefined;
  return { type: 'done', root: raw.root, xor: raw.xor, emits: raw.emits, writes: raw.writes };
}

export function parseToWorker(raw: unknown): ToWorker | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'exit') return { type: 'exit' };
  if (raw.type === 'tuple' && isTuple(raw.tuple)) return { type: 'tuple', tuple: raw.tuple };
  if (raw.type === 'init' && isCount(raw.worker) && Array.isArray(raw.topology))
    return raw as unknown as ToWorker; // Only our own master holds the channel.
  return undefined;
}
