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
//
// Checkpoint barriers (exactly-once, checkpointed-run.ts) travel in band the same way: the
// master puts barrier n on the spout's channels, a task aligns it (alignment.ts), writes its
// snapshot, and reports `snapshot` with the barriers it forwards to its consumers. Every
// message a worker sends names its `generation` — the restores it has been through — so the
// master drops what a worker said before the restore it is answering; its sink writes name
// their `epoch`, the last checkpoint their task had passed (the transactional sink commits
// an epoch's writes only when a later checkpoint completes).

import { isArrayOf, isCount, isNullOr, isOneOf, isRecord, isString } from '../../core/validate.js';
import type { Held, SinkWrite, TaskRef, Topology, WindowWrite } from './topology.js';

/** A tuple: 64-bit ids as 16 hex digits (JSON has no 64-bit integers). */
export interface Tuple {
  readonly task: TaskRef;
  /** This tuple's id. */
  readonly id: string;
  /** The spout tuple at the root of its tree (the acker's key). */
  readonly root: string;
  /** The channel it travels on: the emitting task's key, or 'spout'. */
  readonly from: string;
  readonly values: readonly unknown[];
}

/** Checkpoint `checkpoint`'s barrier on the input `from` of `task`. */
export interface Barrier {
  readonly task: TaskRef;
  readonly from: string;
  readonly checkpoint: number;
}

/** Event time has reached `time` on the input `from` of `task` (null: the stream ended). */
export interface Watermark {
  readonly task: TaskRef;
  /** The sending task's key, or 'spout'. */
  readonly from: string;
  readonly time: number | null;
}

export type ToWorker =
  | {
      readonly type: 'init';
      readonly worker: number;
      readonly topology: Topology;
      /** The checkpoint directory (checkpointed runs only). */
      readonly checkpoints: string | null;
    }
  | { readonly type: 'tuple'; readonly tuple: Tuple }
  | { readonly type: 'watermark'; readonly watermark: Watermark }
  | { readonly type: 'barrier'; readonly barrier: Barrier }
  /** Drop every task's state and take it from `checkpoint`'s snapshots (null: start afresh). */
  | { readonly type: 'restore'; readonly generation: number; readonly checkpoint: number | null }
  | { readonly type: 'exit' };

/** Stamped on every message but `ready`. */
interface Stamp {
  readonly generation: number;
  /** The last checkpoint the sending task had passed (0 before any). */
  readonly epoch: number;
}

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
    } & Progress &
      Stamp)
  | ({ readonly type: 'progress' } & Progress & Stamp)
  | ({
      readonly type: 'snapshot';
      /** The task whose snapshot for `checkpoint` is durable. */
      readonly task: string;
      readonly checkpoint: number;
      readonly barriers: readonly Barrier[];
    } & Stamp)
  | ({ readonly type: 'fail'; readonly root: string; readonly reason: string } & Stamp);

const HEX64 = /^[0-9a-f]{16}$/;
const isId = (x: unknown): x is string => isString(x) && HEX64.test(x);

function isTaskRef(x: unknown): x is TaskRef {
  return isRecord(x) && isString(x.component) && isCount(x.index);
}

export function isTuple(x: unknown): x is Tuple {
  return (
    isRecord(x) &&
    isTaskRef(x.task) &&
    isId(x.id) &&
    isId(x.root) &&
    isString(x.from) &&
    Array.isArray(x.values)
  );
}

function isBarrier(x: unknown): x is Barrier {
  return isRecord(x) && isTaskRef(x.task) && isString(x.from) && isCount(x.checkpoint);
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
  const types = ['ready', 'done', 'progress', 'snapshot', 'fail'] as const;
  if (!isRecord(raw) || !isOneOf(raw.type, types)) return undefined;
  if (raw.type === 'ready') return { type: 'ready' };
  if (!isCount(raw.generation) || !isCount(raw.epoch)) return undefined;
  const stamp: Stamp = { generation: raw.generation, epoch: raw.epoch };
  if (raw.type === 'snapshot') {
    const { task, checkpoint, barriers } = raw;
    if (!isString(task) || !isCount(checkpoint) || !isArrayOf(barriers, isBarrier))
      return undefined;
    return { type: 'snapshot', task, checkpoint, barriers, ...stamp };
  }
  const progress = raw.type === 'fail' ? undefined : parseProgress(raw);
  if (raw.type === 'progress') return progress && { type: 'progress', ...progress, ...stamp };
  if (!isId(raw.root)) return undefined;
  if (raw.type === 'fail') {
    if (!isString(raw.reason)) return undefined;
    return { type: 'fail', root: raw.root, reason: raw.reason, ...stamp };
  }
  if (!isId(raw.xor) || !isArrayOf(raw.emits, isTuple)) return undefined;
  if (!isArrayOf(raw.writes, isSinkWrite)) return undefined;
  if (progress === undefined || (raw.held !== null && !isId(raw.held))) return undefined;
  const { root, xor, emits, writes, held } = raw;
  return { type: 'done', root, xor, emits, writes, held, ...progress, ...stamp };
}

export function parseToWorker(raw: unknown): ToWorker | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'exit') return { type: 'exit' };
  if (raw.type === 'tuple' && isTuple(raw.tuple)) return { type: 'tuple', tuple: raw.tuple };
  if (raw.type === 'watermark' && isWatermark(raw.watermark))
    return { type: 'watermark', watermark: raw.watermark };
  if (raw.type === 'barrier' && isBarrier(raw.barrier))
    return { type: 'barrier', barrier: raw.barrier };
  if (raw.type === 'restore' && isCount(raw.generation) && isNullOr(raw.checkpoint, isCount))
    return { type: 'restore', generation: raw.generation, checkpoint: raw.checkpoint };
  if (raw.type === 'init' && isCount(raw.worker) && Array.isArray(raw.topology))
    return raw as unknown as ToWorker; // Only our own master holds the channel.
  return undefined;
}
