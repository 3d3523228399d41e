// Messages of scheduling/two-level: the machine messages (shared/messages.ts) between the
// master and the machines, and Mesos' framework protocol between the master and the
// frameworks (Hindman et al., NSDI 2011 §3): a framework says whether it wants resources
// (Hungry, numbered so a reordered old one loses), the master offers free resources
// (Offer) and may take them back (Rescind); the framework answers an offer with the tasks
// to launch on it (Accept; what it leaves is declined); the master reports each task's end
// (TaskFinished) or loss (TaskLost: its offer was gone, or the machine refused it). As in
// Mesos, a framework reconciles (Reconcile: the tasks it believes launched) and the master
// answers for those it knows ended or not at all (TaskLost): lost Accepts, lost reports and
// a master's restart are all caught up this way.

import type { RunContext } from '../../../core/algorithm.js';
import {
  isArrayOf,
  isCount,
  isNodeId,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import {
  isTaskRef,
  isTaskSpec,
  type MachineMessage,
  machineMessageChecks,
} from '../shared/messages.js';
import type { Free } from '../shared/placement.js';
import type { TaskRef, TaskSpec } from '../shared/workload.js';

export interface Placement {
  readonly machine: number;
  readonly task: TaskSpec;
}

export type TwoLevelMessage =
  | MachineMessage
  | { readonly type: 'Hungry'; readonly seq: number; readonly pending: number }
  | { readonly type: 'Offer'; readonly offer: number; readonly fragments: readonly Free[] }
  | { readonly type: 'Rescind'; readonly offer: number }
  | {
      readonly type: 'Accept';
      readonly offers: readonly number[];
      readonly launches: readonly Placement[];
    }
  | { readonly type: 'TaskLost'; readonly task: TaskRef }
  | { readonly type: 'Reconcile'; readonly tasks: readonly TaskRef[] }
  | { readonly type: 'TaskFinished'; readonly task: TaskRef };

export function parseTwoLevelMessage(
  raw: unknown,
  ctx: RunContext<unknown>,
): TwoLevelMessage | undefined {
  const n = ctx.nodes.length;
  const isFree = (x: unknown): x is Free =>
    isRecord(x) && isNodeId(x.machine, n) && isCount(x.cpu) && isCount(x.mem);
  const isPlacement = (x: unknown): x is Placement =>
    isRecord(x) && isNodeId(x.machine, n) && isTaskSpec(x.task);
  const checks: MessageChecks<TwoLevelMessage> = {
    ...machineMessageChecks,
    Hungry: (m) => isCount(m.seq) && isCount(m.pending),
    Offer: (m) => isCount(m.offer) && isArrayOf(m.fragments, isFree),
    Rescind: (m) => isCount(m.offer),
    Accept: (m) => isArrayOf(m.offers, isCount) && isArrayOf(m.launches, isPlacement),
    TaskLost: (m) => isTaskRef(m.task),
    Reconcile: (m) => isArrayOf(m.tasks, isTaskRef),
    TaskFinished: (m) => isTaskRef(m.task),
  };
  return parseByType(checks, raw, n);
}
