// The consistency-model checker's entry point: which of the models in seed notes 001 §6 and
// 003 a client history satisfies — linearizable (the linearizability checker's verdict),
// sequential, causal, read-your-writes, monotonic reads, monotonic writes, eventual — and,
// for each one it breaks, the operations that break it. The strong models imply the weak
// ones (linearizable ⇒ sequential ⇒ causal ⇒ each session guarantee); eventual stands
// apart (see eventual.ts). The models past linearizability read which write each read saw
// from the values, so they need a differentiated history (history.ts) and answer 'unknown'
// with the reason otherwise; sequential consistency's search is bounded, as is causal
// checking's memory.
//
// Fault model: none; the history is untrusted input, rejected with a HistoryError.

import type { ClientHistoryEvent } from '../../core/algorithm.js';
import {
  checkLinearizability,
  type ExplainedOperation,
  formatExplanation,
} from '../linearizability/check.js';
import type { Model } from '../linearizability/operations.js';
import { causalViolations, DEFAULT_CAUSAL_MAX_OPERATIONS } from './causal.js';
import { eventualViolations } from './eventual.js';
import { describe, explained, type PreparedHistory, prepareHistory } from './history.js';
import {
  DEFAULT_SEQUENTIAL_CONFIGURATIONS,
  firstSequentialViolation,
  sequentiallyConsistent,
} from './sequential.js';
import { sessionViolations } from './session.js';

export const CONSISTENCY_MODELS = [
  'linearizable',
  'sequential',
  'causal',
  'read-your-writes',
  'monotonic-reads',
  'monotonic-writes',
  'eventual',
] as const;
export type ConsistencyModel = (typeof CONSISTENCY_MODELS)[number];

export interface ModelVerdict {
  readonly model: ConsistencyModel;
  /** 'unknown': the history cannot decide it (the reason says why). */
  readonly holds: boolean | 'unknown';
  readonly reason?: string;
  /** Groups of operations that together break the model (the first few). */
  readonly violations: readonly (readonly ExplainedOperation[])[];
}

export interface ConsistencyResult {
  readonly model: Model;
  /** Operations invoked (including failed and indeterminate ones). */
  readonly operations: number;
  readonly verdicts: readonly ModelVerdict[];
}

export interface ConsistencyOptions {
  /** Only these models (all when absent). */
  readonly models?: readonly ConsistencyModel[];
  /** Bound on the linearizability and sequential searches. */
  readonly maxConfigurations?: number;
  /** Histories above this many operations get 'unknown' for causal consistency. */
  readonly maxCausalOperations?: number;
}

/** Checks `events` against every model; throws HistoryError when they are malformed. */
export function checkConsistency(
  events: readonly ClientHistoryEvent[],
  model: Model,
  options: ConsistencyOptions = {},
): ConsistencyResult {
  const h = prepareHistory(events, model);
  const wanted = options.models ?? CONSISTENCY_MODELS;
  const verdicts = CONSISTENCY_MODELS.filter((m) => wanted.includes(m)).map((m) =>
    judge(m, events, h, options),
  );
  return { model, operations: h.invoked, verdicts };
}

function judge(
  m: ConsistencyModel,
  events: readonly ClientHistoryEvent[],
  h: PreparedHistory,
  o: ConsistencyOptions,
): ModelVerdict {
  if (m === 'linearizable') return linearizableVerdict(events, h.model, o.maxConfigurations);
  if (h.thinAir.length > 0) {
    const first = h.ops[h.thinAir[0]!]!;
    return broken(m, h, [h.thinAir], `${describe(first)} read a value no operation wrote`);
  }
  if (h.undifferentiated !== undefined && m !== 'eventual')
    return { model: m, holds: 'unknown', reason: h.undifferentiated, violations: [] };
  switch (m) {
    case 'sequential':
      return sequentialVerdict(h, o.maxConfigurations ?? DEFAULT_SEQUENTIAL_CONFIGURATIONS);
    case 'causal': {
      const v = causalViolations(h, o.maxCausalOperations ?? DEFAULT_CAUSAL_MAX_OPERATIONS);
      if (v === 'unknown')
        return { model: m, holds: 'unknown', reason: 'too many operations', violations: [] };
      if (v.length === 0) return { model: m, holds: true, violations: [] };
      const ops = v.map((x) => [...x.ops].sort((a, b) => a - b));
      return broken(m, h, ops, `${v[0]!.pattern} (Bouajjani et al. 2017)`);
    }
    case 'read-your-writes':
    case 'monotonic-reads':
    case 'monotonic-writes': {
      const v = sessionViolations(h, m);
      if (v.length === 0) return { model: m, holds: true, violations: [] };
      return broken(m, h, v, SESSION_REASONS[m]);
    }
    case 'eventual': {
      const e = eventualViolations(h);
      if (e.violations.length > 0)
        return broken(m, h, e.violations, 'reads after the last write disagree');
      if (e.keysSettled === 0)
        return {
          model: m,
          holds: 'unknown',
          reason: 'no key is read after its last write',
          violations: [],
        };
      return { model: m, holds: true, violations: [] };
    }
  }
}

const SESSION_REASONS = {
  'read-your-writes': 'a session read a version older than its own write',
  'monotonic-reads': 'a session read a version older than one it had read',
  'monotonic-writes': "a session saw a session's write after that session's later write",
} as const;

function broken(
  model: ConsistencyModel,
  h: PreparedHistory,
  groups: readonly (readonly number[])[],
  reason: string,
): ModelVerdict {
  const violations = groups.map((ids) => ids.map((id) => explained(h.ops[id]!)));
  return { model, holds: false, reason, violations };
}

function linearizableVerdict(
  events: readonly ClientHistoryEvent[],
  model: Model,
  maxConfigurations: number | undefined,
): ModelVerdict {
  const r = checkLinearizability(events, model, {
    ...(maxConfigurations === undefined ? {} : { maxConfigurations }),
  });
  if (r.linearizable === true) return { model: 'linearizable', holds: true, violations: [] };
  if (r.linearizable === 'unknown')
    return {
      model: 'linearizable',
      holds: 'unknown',
      reason: `the search gave up after ${r.undecided?.configurations} configurations`,
      violations: [],
    };
  const e = r.explanation;
  return {
    model: 'linearizable',
    holds: false,
    reason: e === undefined ? 'not linearizable' : formatExplanation(e).split('\n')[0]!,
    violations: e === undefined ? [] : [e.operations],
  };
}

function sequentialVerdict(h: PreparedHistory, maxConfigurations: number): ModelVerdict {
  const holds = sequentiallyConsistent(h, maxConfigurations);
  if (holds === true) return { model: 'sequential', holds, violations: [] };
  if (holds === 'unknown')
    return {
      model: 'sequential',
      holds,
      reason: `the search gave up after ${maxConfigurations} configurations`,
      violations: [],
    };
  const first = firstSequentialViolation(h, maxConfigurations);
  if (first === undefined)
    return { model: 'sequential', holds, reason: 'no single order exists', violations: [] };
  const from = h.readFrom.get(first);
  const ids = from === undefined || from < 0 ? [first] : [from, first];
  const reason = `no single order of the operations up to ${describe(h.ops[first]!)}`;
  return broken('sequential', h, [ids], reason);
}
