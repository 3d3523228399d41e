// The messages between the MapReduce master and its workers, over the IPC channel of a
// forked child (master.ts explains why not the runtime's TCP transport). Control only: the
// data — splits, intermediate partitions, outputs — moves through files, as in the paper.
// Each side checks what it receives; a worker's malformed message is treated as that
// worker's failure, never trusted.

import { isArrayOf, isCount, isOneOf, isRecord, isString } from '../../core/validate.js';

export type TaskKind = 'map' | 'reduce';

export type ToWorker =
  | {
      readonly type: 'map';
      readonly task: number;
      readonly job: string;
      readonly input: string;
      readonly start: number;
      readonly end: number;
      readonly reducers: number;
      /** The worker's own directory for its intermediate files. */
      readonly dir: string;
    }
  | {
      readonly type: 'reduce';
      readonly task: number;
      readonly job: string;
      /** Partition `task` of every map task's output. */
      readonly inputs: readonly string[];
      readonly output: string;
    }
  | { readonly type: 'exit' };

export type FromWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done';
      readonly kind: TaskKind;
      readonly task: number;
      /** A map task's partition files, index = reduce partition. */
      readonly files: readonly string[];
    }
  | {
      readonly type: 'failed';
      readonly kind: TaskKind;
      readonly task: number;
      readonly reason: string;
    };

export function parseFromWorker(raw: unknown): FromWorker | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'ready') return { type: 'ready' };
  const kind = raw.kind;
  if (!isOneOf(kind, ['map', 'reduce'] as const) || !isCount(raw.task)) return undefined;
  if (raw.type === 'done' && isArrayOf(raw.files, isString))
    return { type: 'done', kind, task: raw.task, files: raw.files };
  if (raw.type === 'failed' && isString(raw.reason))
    return { type: 'failed', kind, task: raw.task, reason: raw.reason };
  return undefined;
}

export function parseToWorker(raw: unknown): ToWorker | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'exit') return { type: 'exit' };
  if (!isCount(raw.task) || !isString(raw.job)) return undefined;
  if (raw.type === 'map') {
    const ok =
      isString(raw.input) &&
      isCount(raw.start) &&
      isCount(raw.end) &&
      isCount(raw.reducers) &&
      raw.reducers > 0 &&
      isString(raw.dir);
    return ok ? (raw as unknown as ToWorker) : undefined;
  }
  if (raw.type === 'reduce' && isArrayOf(raw.inputs, isString) && isString(raw.output))
    return raw as unknown as ToWorker;
  return undefined;
}
