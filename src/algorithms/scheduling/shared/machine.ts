// A machine of the simulated cluster, shared by the three scheduler architectures: it runs
// the tasks it is told to launch, refuses any that would over-commit it, and reports each
// task's end to whoever launched it. It is the last line of defence for "no machine is
// over-committed" whatever a scheduler believes — and, for Omega, the place where optimistic
// commits meet: a Launch carrying the version its scheduler saw is refused whole when the
// machine changed since (Omega's coarse-grained conflict detection, EuroSys 2013 §3.4),
// while one without (version −1) is judged task by task on what still fits (fine-grained).
//
// Duplicated Launches are answered from the recorded outcome of each task attempt, never
// judged twice, so a duplicate can neither start a task twice nor flip a refusal into a
// start after its scheduler has placed the task elsewhere. Volatile: a machine is not
// expected to crash in this model (the algorithms' fault models say so).

import { assert } from '../../../core/assert.js';
import type { Env, NodeId } from '../../../core/process.js';
import type { MachineMessage, Usage } from './messages.js';
import type { SchedulingOutput } from './outputs.js';
import { type TaskRef, type TaskSpec, taskKey } from './workload.js';

export interface RunningTask extends TaskSpec {
  /** The node that launched it: it hears of the task's end. */
  readonly launcher: NodeId;
  readonly endMs: number;
}

export interface MachineState {
  readonly cpu: number;
  readonly mem: number;
  usedCpu: number;
  usedMem: number;
  /** Bumped on every start and end: Omega's coarse-grained conflict check compares it. */
  version: number;
  /** Running tasks, in launch order. */
  running: RunningTask[];
  /** The outcome of every task attempt ever asked for (true: started), by taskKey. */
  outcomes: Record<string, boolean>;
}

/** Every scheduling node's state shows its machine part (null on scheduler nodes). */
export interface SchedulingNodeState {
  readonly machine: MachineState | null;
}

export function initMachineState(cpu: number, mem: number): MachineState {
  return { cpu, mem, usedCpu: 0, usedMem: 0, version: 0, running: [], outcomes: {} };
}

type MachineEnv = Env<MachineMessage, SchedulingOutput>;

export function machineUsage(env: MachineEnv, s: MachineState): Usage {
  return { machine: env.id, version: s.version, cpu: s.usedCpu, mem: s.usedMem };
}

/** Tells the shared-state schedulers (if any) what changed. */
function publish(env: MachineEnv, s: MachineState, usageTo: readonly NodeId[], skip: NodeId) {
  for (const to of usageTo)
    if (to !== skip) env.send(to, { type: 'Usage', usage: machineUsage(env, s) });
}

function stop(env: MachineEnv, s: MachineState, i: number, preempted: boolean): RunningTask {
  const t = s.running[i] as RunningTask;
  s.running.splice(i, 1);
  s.usedCpu -= t.cpu;
  s.usedMem -= t.mem;
  s.version++;
  const { launcher: _l, endMs: _e, ...spec } = t;
  env.output({ type: 'end', ...spec, machine: env.id, preempted });
  return t;
}

function finishMessage(env: MachineEnv, s: MachineState, t: RunningTask, preempted: boolean) {
  const task: TaskRef = { job: t.job, index: t.index, attempt: t.attempt };
  env.send(t.launcher, { type: 'Finished', task, preempted, usage: machineUsage(env, s) });
}

function armFinish(env: MachineEnv, s: MachineState): void {
  if (s.running.length === 0) return env.cancelTimer('finish');
  const next = Math.min(...s.running.map((t) => t.endMs));
  env.setTimer('finish', Math.max(0, next - env.now()));
}

/** Launch: preempt the named victims, then start each new task that fits. */
export function machineLaunch(
  env: MachineEnv,
  s: MachineState,
  from: NodeId,
  m: Extract<MachineMessage, { type: 'Launch' }>,
  usageTo: readonly NodeId[],
): void {
  const before = s.version;
  const stale = m.version >= 0 && m.version !== s.version;
  if (!stale) {
    for (const v of m.preempt) {
      const i = s.running.findIndex((t) => taskKey(t) === taskKey(v) && t.launcher === from);
      if (i >= 0) finishMessage(env, s, stop(env, s, i, true), true);
      else if (s.outcomes[taskKey(v)] === undefined) {
        // A victim whose own Launch is still on its way (reordered behind this one) must
        // never start: it counts as preempted now, and its Launch will be refused.
        s.outcomes[taskKey(v)] = false;
        const task = { job: v.job, index: v.index, attempt: v.attempt };
        env.send(from, { type: 'Finished', task, preempted: true, usage: machineUsage(env, s) });
      }
    }
  }
  const accepted: TaskRef[] = [];
  const rejected: TaskRef[] = [];
  for (const t of m.tasks) {
    const key = taskKey(t);
    const ref = { job: t.job, index: t.index, attempt: t.attempt };
    let ok = s.outcomes[key];
    if (ok === undefined) {
      ok = !stale && s.usedCpu + t.cpu <= s.cpu && s.usedMem + t.mem <= s.mem;
      s.outcomes[key] = ok;
      if (ok) start(env, s, t, from);
    }
    (ok ? accepted : rejected).push(ref);
  }
  env.send(from, { type: 'Launched', accepted, rejected, usage: machineUsage(env, s) });
  if (s.version !== before) publish(env, s, usageTo, from);
  armFinish(env, s);
  assert(s.usedCpu <= s.cpu && s.usedMem <= s.mem, 'a machine never starts what does not fit');
  assert(accepted.length + rejected.length === m.tasks.length, 'every task gets an answer');
}

function start(env: MachineEnv, s: MachineState, t: TaskSpec, launcher: NodeId): void {
  const spec: TaskSpec = {
    job: t.job,
    index: t.index,
    attempt: t.attempt,
    owner: t.owner,
    kind: t.kind,
    cpu: t.cpu,
    mem: t.mem,
    durationMs: t.durationMs,
  };
  s.running.push({ ...spec, launcher, endMs: env.now() + t.durationMs });
  s.usedCpu += t.cpu;
  s.usedMem += t.mem;
  s.version++;
  env.output({ type: 'start', ...spec, machine: env.id });
}

/** The finish timer: end every task whose time is up. */
export function machineFinish(env: MachineEnv, s: MachineState, usageTo: readonly NodeId[]) {
  const before = s.running.length;
  const now = env.now();
  for (let i = s.running.length - 1; i >= 0; i--) {
    if ((s.running[i] as RunningTask).endMs > now) continue;
    const t = stop(env, s, i, false);
    finishMessage(env, s, t, false);
  }
  if (s.running.length !== before) publish(env, s, usageTo, 0);
  armFinish(env, s);
  assert(
    s.running.every((t) => t.endMs > now),
    'every task whose time is up has ended',
  );
  assert(s.usedCpu >= 0 && s.usedMem >= 0, 'usage never goes negative');
}
