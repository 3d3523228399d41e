// The messages between the stream master and its workers, over a forked child's IPC channel
// (../worker-process.ts; ../mapreduce/master.ts explains why not the runtime's transport).
// Every tuple passes through the master, which routes it to the worker holding its task
// (Storm's workers connect to each other directly; here the master is the one hub). A
// worker reports each executed tuple in ONE message — its emitted children, its sink writes
// and its ack (the XOR of the input's id and the children's ids) — so the master sees the
// children and the writes no later than the ack. Each side checks what it receives; a
// worker's malformed message is that worker's failure.
//
// Watermarks travel in band, like Flink's: the spout's goes to every split task, each task
// forwards its own (the minimum over its inputs) to every consumer task, through the same
// FIFO channels as the tuples, so a watermark never overtakes a record sent before it.
// A windowed bolt's firings and released (held) acks ride on the message of the tuple or
// watermark that caused them; the master applies firings before acks.

import { isArrayOf, isCount, isOneOf, isRecord, isString } from '../../core/validate.js';
import type { Held, SinkWrite, TaskRef, Topology, WindowWrite } from './topology.js';

/** A tuple: 64-bit ids as 16 hex digits (JSON has no 64-bit integers). */
export interface Tuple {
  readonly task: TaskRef;
  /** This tuple's id. */
  readonly id: string;
  /** The spout tuple at the root of its tree (the acker's key). */
  readonly root: string;
  readonly values: readonly unknown[];
}

/** Event time has reached `time` on the input `from` of `task` (null: the stream ended). */
export interface Watermark {
  readonly task: TaskRef;
  /** The sending task's key, or 'spout'. */
  readonly from: string;
  readonly time: number | null;
}

export type ToWorker =
  | { readonly type: 'init'; readonly worker: number; readonly topology: Topology }
  | { readonly type: 'tuple'; readonly tuple: Tuple }
  | { readonly type: 'watermark'; readonly watermark: Watermark }
  | { readonly type: 'exit' };

/** What a windowed task's step produced besides tuples. */
export interface Progress {
  readonly watermarks: readonly Watermark[];
  readonly firings: readonly WindowWrite[];
  /** Held acks released: each id is folded into its root's tree now. */
  readonly releases: readonly Held[];
}

export type FromWorker =
  | { readonly type: 'ready' }
  | ({
      readonly type: 'done';
      readonly root: string;
      /** The input's id XOR every child's id (without the input's id when it is held). */
      readonly xor: string;
      readonly emits: readonly Tuple[];
      readonly writes: readonly SinkWrite[];
      /** The input's id when the bolt holds its ack back. */
      readonly held: string | null;
    } & Progress)
  | ({ readonly type: 'progress' } & Progress)
  | { readonly type: 'fail'; readonly root: string; readonly reason: string };

const HEX64 = /^[0-9a-f]{16}$/;
const isId = (x: unknown): x is string => isString(x) && HEX64.test(x);

function isTaskRef(x: unknown): x is TaskRef {
  return isRecord(x) && isString(x.component) && isCount(x.index);
}

export function isTuple(x: unknown): x is Tuple {
  return isRecord(x) && isTaskRef(x.task) && isId(x.id) && isId(x.root) && Array.isArray(x.values);
}

function isWatermark(x: unknown): x is Watermark {
  return (
    isRecord(x) &&
    isTaskRef(x.task) &&
    isString(x.from) &&
    (x.time === null || (typeof x.time === 'number' && Number.isFinite(x.time)))
  );
}

function isWindowWrite(x: unknown): x is WindowWrite {
  return (
    isRecord(x) &&
    Number.isSafeInteger(x.start) &&
    Number.isSafeInteger(x.end) &&
    isString(x.key) &&
    isCount(x.count)
  );
}

const isHeld = (x: unknown): x is Held => isRecord(x) && isId(x.root) && isId(x.id);

function parseProgress(raw: Record<string, unknown>): Progress | undefined {
  const { watermarks, firings, releases } = raw;
  if (!isArrayOf(watermarks, isWatermark) || !isArrayOf(firings, isWindowWrite)) return undefined;
  return isArrayOf(releases, isHeld) ? { watermarks, firings, releases } : undefined;
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
  const types = ['ready', 'done', 'progress', 'fail'] as const;
  if (!isRecord(raw) || !isOneOf(raw.type, types)) return undefined;
  if (raw.type === 'ready') return { type: 'ready' };
  const progress = raw.type === 'fail' ? undefined : parseProgress(raw);
  if (raw.type === 'progress') return progress && { type: 'progress', ...progress };
  if (!isId(raw.root)) return undefined;
  if (raw.type === 'fail')
    return isString(raw.reason) ? { type: 'fail', root: raw.root, reason: raw.reason } : undefined;
  if (!isId(raw.xor) || !isArrayOf(raw.emits, isTuple) || !isArrayOf(raw.writes, isSinkWrite))
    return undefined;
  if (progress === undefined || (raw.held !== null && !isId(raw.held))) return undefined;
  const { root, xor, emits, writes, held } = raw;
  return { type: 'done', root, xor, emits, writes, held, ...progress };
}

export function parseToWorker(raw: unknown): ToWorker | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'exit') return { type: 'exit' };
  if (raw.type === 'tuple' && isTuple(raw.tuple)) return { type: 'tuple', tuple: raw.tuple };
  if (raw.type === 'watermark' && isWatermark(raw.watermark))
    return { type: 'watermark', watermark: raw.watermark };
  if (raw.type === 'init' && isCount(raw.worker) && Array.isArray(raw.topology))
    return raw as unknown as ToWorker; // Only our own master holds the channel.
  return undefined;
}
