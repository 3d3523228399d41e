// The linearizability checker's entry point (Herlihy & Wing 1990): a client history is
// linearizable when every operation can be given a point between its invoke and its
// completion such that, in that order, each read returns and each cas expects what the
// model — a register, initially nil — holds. The kv model uses P-compositionality
// (Horn & Kroening 2015, as Porcupine does): linearizability is local (Herlihy & Wing's
// Theorem 1), so each key's sub-history is checked on its own.
//
// Fault model: none; the history is untrusted input, rejected with a HistoryError.

import type { ClientHistoryEvent } from '../../core/algorithm.js';
import { minimalFailing, reasonFor } from './explain.js';
import { INITIAL_VALUE, type Model, type Operation, toOperations } from './operations.js';
import { linearizable, SearchLimitError } from './search.js';
import { encodeValue } from './value.js';

/** One operation of an explanation, as the history reported it. */
export interface ExplainedOperation {
  readonly process: number;
  readonly f: ClientHistoryEvent['f'];
  readonly key?: string;
  readonly value: unknown;
  /** `info`: indeterminate (it may or may not have taken effect). */
  readonly outcome: 'ok' | 'info';
  readonly invokeTime: number;
  readonly completeTime: number | null;
  /** Positions (0-based) of its events in the history. */
  readonly invokeEvent: number;
  readonly completeEvent: number | null;
}

export interface Explanation {
  /** The key whose sub-history fails (kv model). */
  readonly key?: string;
  readonly reason: string;
  /** A 1-minimal non-linearizable sub-history: remove any one and the rest is linearizable. */
  readonly operations: readonly ExplainedOperation[];
}

export interface LinearizabilityResult {
  /** 'unknown' when the search gave up (see `undecided`). */
  readonly linearizable: boolean | 'unknown';
  readonly model: Model;
  /** Partitions checked (keys for kv; 1 for a non-empty register history). */
  readonly partitions: number;
  /** Operations invoked in the history (including failed and indeterminate ones). */
  readonly operations: number;
  readonly explanation?: Explanation;
  /** Where and after how many configurations the search gave up. */
  readonly undecided?: { readonly key?: string; readonly configurations: number };
  /** Wall-clock time taken, when the caller measured it (the CLI does). */
  readonly elapsedMs?: number;
}

export interface CheckOptions {
  /** Skip the minimal explanation (only the verdict is needed). */
  readonly explain?: boolean;
  /** Configurations one partition's search may explore before giving up. */
  readonly maxConfigurations?: number;
}

/** Checks a history; throws HistoryError when it is malformed. */
export function checkLinearizability(
  events: readonly ClientHistoryEvent[],
  model: Model,
  options: CheckOptions = {},
): LinearizabilityResult {
  const { invoked, partitions } = toOperations(events, model);
  const summary = { model, partitions: partitions.size, operations: invoked };
  const limit = options.maxConfigurations;
  let undecided: LinearizabilityResult['undecided'];
  for (const [name, ops] of partitions) {
    const key = model === 'kv' ? name : undefined;
    try {
      if (linearizable(ops, INITIAL_VALUE, limit)) continue;
    } catch (error) {
      if (!(error instanceof SearchLimitError)) throw error;
      // Another key may still fail for certain; keep looking.
      undecided ??= { ...(key === undefined ? {} : { key }), configurations: error.configurations };
      continue;
    }
    const result = { linearizable: false, ...summary };
    if (options.explain === false) return result;
    return { ...result, explanation: explain(ops, key, limit) };
  }
  if (undecided !== undefined) return { linearizable: 'unknown', ...summary, undecided };
  return { linearizable: true, ...summary };
}

function explain(
  ops: readonly Operation[],
  key: string | undefined,
  maxConfigurations: number | undefined,
): Explanation {
  const minimal = minimalFailing(ops, INITIAL_VALUE, maxConfigurations);
  return {
    ...(key === undefined ? {} : { key }),
    reason: reasonFor(minimal, ops, INITIAL_VALUE),
    operations: minimal.map((op) => ({
      process: op.process,
      f: op.f,
      ...(op.key === undefined ? {} : { key: op.key }),
      value: op.value,
      outcome: op.outcome,
      invokeTime: op.invokeTime,
      completeTime: op.completeTime,
      invokeEvent: op.callIndex,
      completeEvent: Number.isFinite(op.returnIndex) ? op.returnIndex : null,
    })),
  };
}

/** The explanation in a few lines of text (the CLI's and the simulator's report). */
export function formatExplanation(e: Explanation): string {
  const lines = e.operations.map((op) => {
    const done = op.completeTime === null ? 'never completed (info)' : `ok at ${op.completeTime}`;
    return (
      `  process ${op.process} ${op.f} ${encodeValue(op.value)}` +
      `${op.key === undefined ? '' : ` (key ${op.key})`}: invoked at ${op.invokeTime}, ${done}`
    );
  });
  return [e.reason, ...lines].join('\n');
}
