// A machine of the simulated cluster, shared by the three scheduler architectures: it runs
// the tasks it is told to launch, refuses any that would over-commit it, and reports each
// task's end to whoever launched it. It is the last line of defence for "no machine is
// over-committed" whatever a scheduler believes — and, for Omega, the place where optimistic
// commits meet: a Launch carrying the version its scheduler saw is refused whole when the
// machine changed since (Omega's coarse-grained conflict detection, EuroSys 2013 §3.4),
// while one without (version −1) is judged task by task on what still fits (fine-grained).
//
// Fault model: messages may be lost, duplicated or reordered, and the machine may crash.
//   - Launches are answered from the recorded outcome of each task attempt, never judged
//     twice, so a duplicate or a retransmission can neither start a task twice nor flip a
//     refusal into a start after its launcher has placed the task elsewhere.
//   - Every task end is a report kept until its launcher acknowledges it (in a
//     HeartbeatAck): sent at once as Finished, then again in every Heartbeat.
//   - Leases (lease.ts): the machine heartbeats to each launcher; an answer renews that
//     launcher's lease. When a lease lapses the machine kills that launcher's tasks and opens
//     a new session with it, so the launcher, which waits longer before rescheduling them,
//     never has them run twice at once. A task starts only under a valid lease.
//   - A crash loses every task (the machine's processes die with it). The restarted machine
//     comes back with none, a new incarnation and new sessions drawn from a durable counter,
//     and refuses any Launch addressed to an older session.

import { assert } from '../../../core/assert.js';
import type { Env, NodeId } from '../../../core/process.js';
import { HEARTBEAT_MS, LEASE_MS } from './lease.js';
import type { MachineMessage, Report, Usage } from './messages.js';
import type { SchedulingOutput } from './outputs.js';
import { type TaskRef, type TaskSpec, taskKey } from './workload.js';

export interface RunningTask extends TaskSpec {
  /** The node that launched it: it hears of the task's end. */
  readonly launcher: NodeId;
  readonly endMs: number;
}

/** The machine's lease with one launcher. */
export interface Lease {
  readonly launcher: NodeId;
  /** The session: a number from the machine's durable counter, new on restart and lapse. */
  session: number;
  /** Local time the lease ends; −1 while none was granted in this session. */
  untilMs: number;
}

/** A task end not yet acknowledged by its launcher. */
export interface MachineReport extends Report {
  readonly launcher: NodeId;
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
  /** This run of the machine: the session counter's value when it started. */
  incarnation: number;
  /** One lease per launcher, in the launchers' order. */
  leases: Lease[];
  /** Task ends sent and not yet acknowledged. */
  reports: MachineReport[];
}

/** Every scheduling node's state shows its machine part (null on scheduler nodes). */
export interface SchedulingNodeState {
  readonly machine: MachineState | null;
}

export function initMachineState(cpu: number, mem: number): MachineState {
  return {
    cpu,
    mem,
    usedCpu: 0,
    usedMem: 0,
    version: 0,
    running: [],
    outcomes: {},
    incarnation: 0,
    leases: [],
    reports: [],
  };
}

type MachineEnv = Env<MachineMessage, SchedulingOutput>;

/** The durable counter sessions (and incarnations) are drawn from. */
const SESSION_KEY = 'scheduling/machine-session';

function nextSession(env: MachineEnv): number {
  const n = (env.storage.get<number>(SESSION_KEY) ?? 0) + 1;
  env.storage.set(SESSION_KEY, n);
  return n;
}

export function machineUsage(env: MachineEnv, s: MachineState): Usage {
  const { incarnation, version } = s;
  return { machine: env.id, incarnation, version, cpu: s.usedCpu, mem: s.usedMem };
}

/** Tells the shared-state schedulers (if any) what changed. */
function publish(env: MachineEnv, s: MachineState, usageTo: readonly NodeId[], skip: NodeId) {
  for (const to of usageTo)
    if (to !== skip) env.send(to, { type: 'Usage', usage: machineUsage(env, s) });
}

const specOf = (t: RunningTask): TaskSpec => {
  const { launcher: _l, endMs: _e, ...spec } = t;
  return spec;
};

function stop(
  env: MachineEnv,
  s: MachineState,
  i: number,
  end: { preempted: boolean; lost: boolean },
) {
  const t = s.running[i] as RunningTask;
  s.running.splice(i, 1);
  s.usedCpu -= t.cpu;
  s.usedMem -= t.mem;
  s.version++;
  env.output({ type: 'end', ...specOf(t), machine: env.id, ...end });
  return t;
}

/** Reports a task attempt's end to its launcher, and keeps the report until acknowledged. */
function report(
  env: MachineEnv,
  s: MachineState,
  launcher: NodeId,
  t: TaskRef,
  preempted: boolean,
) {
  const task: TaskRef = { job: t.job, index: t.index, attempt: t.attempt };
  const known = s.reports.some((r) => r.launcher === launcher && taskKey(r.task) === taskKey(t));
  if (!known) s.reports.push({ launcher, task, preempted });
  env.send(launcher, { type: 'Finished', task, preempted, usage: machineUsage(env, s) });
}

function armFinish(env: MachineEnv, s: MachineState): void {
  if (s.running.length === 0) return env.cancelTimer('finish');
  const next = Math.min(...s.running.map((t) => t.endMs));
  env.setTimer('finish', Math.max(0, next - env.now()));
}

function armLease(env: MachineEnv, s: MachineState): void {
  const ends = s.leases.filter((l) => l.untilMs >= 0).map((l) => l.untilMs);
  if (ends.length === 0) return env.cancelTimer('lease');
  env.setTimer('lease', Math.max(0, Math.min(...ends) - env.now()));
}

function heartbeat(env: MachineEnv, s: MachineState, lease: Lease): void {
  const mine = (x: { launcher: NodeId }) => x.launcher === lease.launcher;
  env.send(lease.launcher, {
    type: 'Heartbeat',
    session: lease.session,
    sentMs: env.now(),
    usage: machineUsage(env, s),
    reports: s.reports.filter(mine).map(({ task, preempted }) => ({ task, preempted })),
    running: s.running.filter(mine).map(specOf),
  });
}

/**
 * Ends every lease past its time: the launcher's tasks are killed (it will reschedule them
 * once it declares this machine down) and a new session starts. Every machine handler runs
 * this first, so nothing is started or kept under a lapsed lease.
 */
export function machineCheckLeases(env: MachineEnv, s: MachineState): void {
  const now = env.now();
  for (const lease of s.leases) {
    if (lease.untilMs < 0 || now < lease.untilMs) continue;
    for (let i = s.running.length - 1; i >= 0; i--)
      if ((s.running[i] as RunningTask).launcher === lease.launcher)
        stop(env, s, i, { preempted: true, lost: true });
    lease.session = nextSession(env);
    lease.untilMs = -1;
    heartbeat(env, s, lease); // Register the new session at once.
  }
  armFinish(env, s);
  armLease(env, s);
  assert(
    s.leases.every((l) => l.untilMs < 0 || l.untilMs > now),
    'no lease is past its end',
  );
}

/** A machine's (re)start: a new incarnation, a new session with every launcher. */
export function machineStart(env: MachineEnv, s: MachineState, launchers: readonly NodeId[]) {
  assert(s.running.length === 0 && s.leases.length === 0, 'a machine starts empty');
  s.incarnation = nextSession(env);
  s.leases = launchers.map((launcher) => ({ launcher, session: s.incarnation, untilMs: -1 }));
  machineBeat(env, s);
}

/** The beat timer: heartbeat to every launcher. */
export function machineBeat(env: MachineEnv, s: MachineState): void {
  machineCheckLeases(env, s);
  for (const lease of s.leases) heartbeat(env, s, lease);
  env.setTimer('beat', HEARTBEAT_MS);
  assert(s.leases.length > 0, 'a machine has launchers');
}

/** A launcher answered a heartbeat: renew its lease, forget the reports it took in. */
export function machineHeartbeatAck(
  env: MachineEnv,
  s: MachineState,
  from: NodeId,
  m: Extract<MachineMessage, { type: 'HeartbeatAck' }>,
): void {
  machineCheckLeases(env, s);
  const lease = s.leases.find((l) => l.launcher === from);
  if (lease === undefined || m.session !== lease.session) return; // An old session's answer.
  const now = env.now();
  // The lease runs from the echoed send time; an echo from the future is a lie, ignored.
  if (m.sentMs <= now && m.sentMs + LEASE_MS > now)
    lease.untilMs = Math.max(lease.untilMs, m.sentMs + LEASE_MS);
  const acked = new Set(m.acked.map(taskKey));
  s.reports = s.reports.filter((r) => r.launcher !== from || !acked.has(taskKey(r.task)));
  armLease(env, s);
  assert(lease.untilMs < 0 || lease.untilMs > now, 'a renewed lease is live');
}

/** Launch: preempt the named victims, then start each new task that fits. */
export function machineLaunch(
  env: MachineEnv,
  s: MachineState,
  from: NodeId,
  m: Extract<MachineMessage, { type: 'Launch' }>,
  usageTo: readonly NodeId[],
): void {
  machineCheckLeases(env, s);
  const refs = (ts: readonly TaskRef[]) =>
    ts.map((t) => ({ job: t.job, index: t.index, attempt: t.attempt }));
  const lease = s.leases.find((l) => l.launcher === from);
  if (lease === undefined || m.session !== lease.session) {
    // Addressed to an older session (or incarnation): its tasks are dead, start none.
    const usage = machineUsage(env, s);
    return env.send(from, { type: 'Launched', accepted: [], rejected: refs(m.tasks), usage });
  }
  const before = s.version;
  const stale = m.version >= 0 && m.version !== s.version;
  if (!stale) preempt(env, s, from, m.preempt);
  const leased = lease.untilMs > env.now();
  const accepted: TaskRef[] = [];
  const rejected: TaskRef[] = [];
  for (const t of m.tasks) {
    const key = taskKey(t);
    let ok = s.outcomes[key];
    if (ok === undefined) {
      ok = !stale && leased && s.usedCpu + t.cpu <= s.cpu && s.usedMem + t.mem <= s.mem;
      s.outcomes[key] = ok;
      if (ok) start(env, s, t, from);
    }
    (ok ? accepted : rejected).push(...refs([t]));
  }
  env.send(from, { type: 'Launched', accepted, rejected, usage: machineUsage(env, s) });
  if (s.version !== before) publish(env, s, usageTo, from);
  armFinish(env, s);
  assert(s.usedCpu <= s.cpu && s.usedMem <= s.mem, 'a machine never starts what does not fit');
  assert(accepted.length + rejected.length === m.tasks.length, 'every task gets an answer');
}

function preempt(env: MachineEnv, s: MachineState, from: NodeId, victims: readonly TaskRef[]) {
  for (const v of victims) {
    const i = s.running.findIndex((t) => taskKey(t) === taskKey(v) && t.launcher === from);
    if (i >= 0) {
      const t = stop(env, s, i, { preempted: true, lost: false });
      report(env, s, from, t, true);
    } else if (s.outcomes[taskKey(v)] !== true) {
      // A victim whose own Launch is still on its way (reordered behind this one) must
      // never start: it counts as preempted now, and its Launch will be refused. One
      // refused before is reported too: the refusal may have been lost, and its launcher
      // waits for word of the victim before queueing it again.
      s.outcomes[taskKey(v)] = false;
      report(env, s, from, v, true);
    }
  }
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
  machineCheckLeases(env, s);
  const before = s.running.length;
  const now = env.now();
  for (let i = s.running.length - 1; i >= 0; i--) {
    if ((s.running[i] as RunningTask).endMs > now) continue;
    const t = stop(env, s, i, { preempted: false, lost: false });
    report(env, s, t.launcher, t, false);
  }
  if (s.running.length !== before) publish(env, s, usageTo, 0);
  armFinish(env, s);
  assert(
    s.running.every((t) => t.endMs > now),
    'every task whose time is up has ended',
  );
  assert(s.usedCpu >= 0 && s.usedMem >= 0, 'usage never goes negative');
}
