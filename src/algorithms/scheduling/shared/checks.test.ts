// The shared scheduler checks catch what they name: a top-priority task preempted, a task on
// two machines at once, a machine over its capacity — on hand-made cluster views.

import { describe, expect, it } from 'vitest';
import type { ClusterView, OutputRecord } from '../../../core/algorithm.js';
import { machineCapacity, preemptsOnlyLower, runsOnce } from './checks.js';
import { initMachineState, type RunningTask, type SchedulingNodeState } from './machine.js';
import type { SchedulingOutput } from './outputs.js';
import { jobStream, schedulingWorkloadOptionSpecs, taskOf } from './workload.js';

type View = ClusterView<SchedulingNodeState, SchedulingOutput>;

const options = Object.fromEntries(
  Object.entries(schedulingWorkloadOptionSpecs).map(([k, v]) => [k, v.default]),
) as never;
const jobs = jobStream(1, options);
const service = jobs.find((j) => j.kind === 'service')!;
const batch = jobs.find((j) => j.kind === 'batch')!;

function view(outputs: SchedulingOutput[], running: RunningTask[][] = []): View {
  const nodes = running.map((tasks, i) => {
    const machine = initMachineState(4_000, 8_192);
    machine.running = tasks;
    machine.usedCpu = tasks.reduce((a, t) => a + t.cpu, 0);
    machine.usedMem = tasks.reduce((a, t) => a + t.mem, 0);
    return { id: i + 2, up: true, paused: false, incarnation: 0, state: { machine } };
  });
  const records: OutputRecord<SchedulingOutput>[] = outputs.map((output) => ({
    atMs: 0,
    node: 2,
    output,
  }));
  const stats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, byType: {} };
  return {
    nowMs: 0,
    nodes,
    outputs: records,
    lifecycle: [],
    stats: { ...stats, sentBy: [], receivedBy: [] },
  };
}

const end = (spec: ReturnType<typeof taskOf>, e: { preempted: boolean; lost: boolean }) =>
  ({ type: 'end', machine: 2, ...spec, ...e }) as const;

describe('scheduling checks', () => {
  it('flags a top-priority task preempted, not a lower one, nor one lost with its lease', () => {
    const top = taskOf(service, 0, 0, 0);
    const low = taskOf(batch, 0, 0, 0);
    const check = (o: SchedulingOutput[]) => preemptsOnlyLower(1, options).check(view(o));
    expect(check([end(low, { preempted: true, lost: false })])).toBeUndefined();
    expect(check([end(top, { preempted: true, lost: true })])).toBeUndefined();
    expect(check([end(top, { preempted: false, lost: false })])).toBeUndefined();
    expect(check([end(top, { preempted: true, lost: false })])).toMatch(/top priority/);
  });

  it('flags a task on two machines at once and a machine over capacity', () => {
    const t = { ...taskOf(batch, 0, 0, 0), launcher: 1, endMs: 100 };
    expect(runsOnce().check(view([], [[t], [{ ...t, attempt: 1 }]]))).toMatch(/at once/);
    expect(runsOnce().check(view([], [[t], []]))).toBeUndefined();
    const big = { ...t, cpu: 3_000 };
    expect(machineCapacity().check(view([], [[big, { ...big, index: 1 }]]))).toMatch(/runs/);
    expect(machineCapacity().check(view([], [[big]]))).toBeUndefined();
  });
});
