// The machine messages every simulated scheduler shares (machine.ts and lease.ts explain
// them), and the checks their parsers are built from. Every field of every nested task is
// checked: a malformed task list from a peer is refused whole, never half-read.

import {
  isArrayOf,
  isBool,
  isCount,
  isFiniteNumber,
  isInt,
  isNodeId,
  isOneOf,
  isRecord,
  type MessageChecks,
} from '../../../core/validate.js';
import type { TaskRef, TaskSpec } from './workload.js';

/** A machine's usage as it reported it: the highest (incarnation, version) wins. */
export interface Usage {
  readonly machine: number;
  /** The machine's restart count: its version starts again from 0 on each. */
  readonly incarnation: number;
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
      /** The machine's lease session the sender launches into: another session refuses. */
      readonly session: number;
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
  | { readonly type: 'Usage'; readonly usage: Usage }
  | {
      readonly type: 'Heartbeat';
      /** The machine's session with this launcher: a higher one means the old one is dead. */
      readonly session: number;
      /** The machine's clock when it sent this: the lease runs from here (lease.ts). */
      readonly sentMs: number;
      readonly usage: Usage;
      /** Task ends this launcher has not acknowledged yet (sent again until it does). */
      readonly reports: readonly Report[];
      /** This launcher's tasks running on the machine (a restarted master adopts them). */
      readonly running: readonly TaskSpec[];
    }
  | {
      readonly type: 'HeartbeatAck';
      readonly session: number;
      /** The Heartbeat's sentMs, echoed: the machine's lease now runs to sentMs + LEASE_MS. */
      readonly sentMs: number;
      /** The reports of that Heartbeat, now taken into account. */
      readonly acked: readonly TaskRef[];
    };

/** A task attempt's end, as a machine reports it until its launcher acknowledges it. */
export interface Report {
  readonly task: TaskRef;
  readonly preempted: boolean;
}

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
    isRecord(x) &&
    isNodeId(x.machine, n) &&
    isCount(x.incarnation) &&
    isCount(x.version) &&
    isCount(x.cpu) &&
    isCount(x.mem)
  );
}

const isReport = (x: unknown): x is Report =>
  isRecord(x) && isTaskRef(x.task) && isBool(x.preempted);

const isTime = (x: unknown): x is number => isFiniteNumber(x) && x >= 0;

export const machineMessageChecks: MessageChecks<MachineMessage> = {
  Launch: (m) =>
    isArrayOf(m.tasks, isTaskSpec) &&
    isArrayOf(m.preempt, isTaskRef) &&
    isInt(m.version) &&
    m.version >= -1 &&
    isCount(m.session),
  Launched: (m, n) =>
    isArrayOf(m.accepted, isTaskRef) && isArrayOf(m.rejected, isTaskRef) && isUsage(m.usage, n),
  Finished: (m, n) => isTaskRef(m.task) && isBool(m.preempted) && isUsage(m.usage, n),
  Usage: (m, n) => isUsage(m.usage, n),
  Heartbeat: (m, n) =>
    isCount(m.session) &&
    isTime(m.sentMs) &&
    isUsage(m.usage, n) &&
    isArrayOf(m.reports, isReport) &&
    isArrayOf(m.running, isTaskSpec),
  HeartbeatAck: (m) => isCount(m.session) && isTime(m.sentMs) && isArrayOf(m.acked, isTaskRef),
};
