// The messages between a pipeline and a stage's worker process, over the forked child's IPC
// channel (structured-clone serialization, so items may be any cloneable value). The
// pipeline sends at most the stage's concurrency of items before their results come back,
// so the channel never holds more than that: backpressure crosses the process boundary.
// Each side checks what it receives; a malformed message from the worker is its failure.

import { isArrayOf, isCount, isFiniteNumber, isRecord, isString } from '../../core/validate.js';

export type ToStageWorker =
  | {
      readonly type: 'init';
      readonly fn: string;
      readonly options: Readonly<Record<string, number>>;
    }
  | { readonly type: 'item'; readonly seq: number; readonly item: unknown }
  | { readonly type: 'finish' }
  | { readonly type: 'exit' };

export type FromStageWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly seq: number; readonly outputs: readonly unknown[] }
  | { readonly type: 'failed'; readonly seq: number; readonly reason: string }
  | { readonly type: 'finished'; readonly outputs: readonly unknown[] };

const isAny = (_x: unknown): _x is unknown => true;

function isOptions(x: unknown): x is Record<string, number> {
  return isRecord(x) && Object.values(x).every(isFiniteNumber);
}

export function parseFromStageWorker(raw: unknown): FromStageWorker | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'done':
      return isCount(raw.seq) && isArrayOf(raw.outputs, isAny)
        ? { type: 'done', seq: raw.seq, outputs: raw.outputs }
        : undefined;
    case 'failed':
      return isCount(raw.seq) && isString(raw.reason)
        ? { type: 'failed', seq: raw.seq, reason: raw.reason }
        : undefined;
    case 'finished':
      return isArrayOf(raw.outputs, isAny) ? { type: 'finished', outputs: raw.outputs } : undefined;
    default:
      return undefined;
  }
}

export function parseToStageWorker(raw: unknown): ToStageWorker | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'init':
      return isString(raw.fn) && isOptions(raw.options)
        ? { type: 'init', fn: raw.fn, options: raw.options }
        : undefined;
    case 'item':
      return isCount(raw.seq) ? { type: 'item', seq: raw.seq, item: raw.item } : undefined;
    case 'finish':
      return { type: 'finish' };
    case 'exit':
      return { type: 'exit' };
    default:
      return undefined;
  }
}
