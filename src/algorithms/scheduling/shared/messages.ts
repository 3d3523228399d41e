// The machine messages every simulated scheduler shares (machine.ts explains them), and the
// checks their parsers are built from. Every field of every nested task is checked: a
// malformed task list from a peer is refused whole, never half-read.

import {
  isArrayOf,
  isBool,
  isCount,
  isInt,
  isNodeId,
  isOneOf,
  isRecord,
  type MessageChecks,
} from '../../../core/validate.js';
import type { TaskRef, TaskSpec } from './workload.js';

/** A machine's usage as it reported it: the highest version wins. */
export interface Usage {
  readonly machine: number;
  readonly version: number;
  readonly cpu: number;
  readonly mem: number;
}

export type MachineMessage =
  | {
      readonly type: 'Launch';
      readonly tasks: readonly TaskSpec[];
      /** Tasks of the sender's to stop first (Borg's preemption), or none. */
      readonly preempt: readonly TaskRef[];
      /** The machine version the sender saw (Omega, coarse-grained), or −1: judge by fit. */
      readonly version: number;
    }
  | {
      readonly type: 'Launched';
      readonly accepted: readonly TaskRef[];
      readonly rejected: readonly TaskRef[];
      readonly usage: Usage;
    }
  | {
      readonly type: 'Finished';
      readonly task: TaskRef;
      readonly preempted: boolean;
      readonly usage: Usage;
    }
  | { readonly type: 'Usage'; readonly usage: Usage };

export function isTaskRef(x: unknown): x is TaskRef {
  return isRecord(x) && isCount(x.job) && isCount(x.index) && isCount(x.attempt);
}

export function isTaskSpec(x: unknown): x is TaskSpec {
  return (
    isTaskRef(x) &&
    isRecord(x) &&
    isCount(x.owner) &&
    isOneOf(x.kind, ['batch', 'service'] as const) &&
    isCount(x.cpu) &&
    isCount(x.mem) &&
    isCount(x.durationMs)
  );
}

export function isUsage(x: unknown, n?: number): x is Usage {
  return (
    isRecord(x) && isNodeId(x.machine, n) && isCount(x.version) && isCount(x.cpu) && isCount(x.mem)
  );
}

export const machineMessageChecks: MessageChecks<MachineMessage> = {
  Launch: (m) =>
    isArrayOf(m.tasks, isTaskSpec) &&
    isArrayOf(m.preempt, isTaskRef) &&
    isInt(m.version) &&
    m.version >= -1,
  Launched: (m, n) =>
    isArrayOf(m.accepted, isTaskRef) && isArrayOf(m.rejected, isTaskRef) && isUsage(m.usage, n),
  Finished: (m, n) => isTaskRef(m.task) && isBool(m.preempted) && isUsage(m.usage, n),
  Usage: (m, n) => isUsage(m.usage, n),
};
