// The Mesos master (Hindman et al., NSDI 2011 §3): it owns the machines' resources and
// offers them to framework schedulers, which decide what to run. Allocation is DRF between
// frameworks (§3.1; Ghodsi et al., NSDI 2011): every free resource not filtered for a
// framework goes, as one offer, to the hungry framework with the lowest dominant share of
// what it holds (launched plus offered); shares are compared exactly in integers. Offered
// resources are locked — no one else is offered them — until the framework answers, or the
// master rescinds the offer after `offerTimeoutMs`. A declined machine is filtered for that
// framework for `refuseMs` (Mesos' refuse_seconds), so the master does not offer the same
// leftovers back at once.
//
// The weaknesses this shows: a framework that hoards offers locks resources nobody uses;
// one whose tasks need a large share of a machine is offered only the fragments others
// leave, declines them, and starves while smaller frameworks take every fragment.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { isUp, sessionOf } from '../shared/members.js';
import { type Free, fits } from '../shared/placement.js';
import type { TaskRef, TaskSpec } from '../shared/workload.js';
import type { Placement } from './messages.js';
import { TICK_MS, type X } from './options.js';
import type { MasterState } from './state.js';

const keyOf = (t: { job: number; index: number }) => `${t.job}.${t.index}`;

export function master(x: X): MasterState {
  assert(x.s.master !== null, 'only the master allocates');
  return x.s.master;
}

export function freeOf(m: MasterState, machine: NodeId): Free | undefined {
  return m.free.find((f) => f.machine === machine);
}

export function addAlloc(m: MasterState, fw: NodeId, cpu: number, mem: number): void {
  const a = m.alloc[fw] ?? { cpu: 0, mem: 0 };
  m.alloc[fw] = { cpu: a.cpu + cpu, mem: a.mem + mem };
  assert((m.alloc[fw]?.cpu ?? 0) >= 0 && (m.alloc[fw]?.mem ?? 0) >= 0, 'allocations stay ≥ 0');
}

/** A framework's dominant share × total CPU × total memory: comparable in exact integers. */
function dominant(x: X, fw: NodeId): number {
  const a = master(x).alloc[fw] ?? { cpu: 0, mem: 0 };
  const n = x.c.cluster.machines.length;
  const totalCpu = n * x.c.cluster.capacity.cpu;
  const totalMem = n * x.c.cluster.capacity.mem;
  return Math.max(a.cpu * totalMem, a.mem * totalCpu);
}

/** Offers the free resources, DRF order, until no hungry framework can be offered any. */
export function masterAllocate(x: X): void {
  const m = master(x);
  const now = x.env.now();
  for (;;) {
    const hungry = x.c.frameworks
      .filter((fw) => (m.hungry[fw]?.pending ?? 0) > 0)
      .sort((a, b) => dominant(x, a) - dominant(x, b) || a - b);
    let offered = false;
    for (const fw of hungry) {
      const filter = m.filters[fw] ?? {};
      const fragments = m.free
        .filter((f) => f.cpu > 0 && f.mem > 0 && (filter[f.machine] ?? 0) <= now)
        .filter((f) => isUp(m.members, f.machine))
        .map((f) => ({ ...f }));
      if (fragments.length === 0) continue;
      const offer = m.nextOffer++;
      m.offers[offer] = { framework: fw, fragments, sentMs: now };
      for (const frag of fragments) {
        const f = freeOf(m, frag.machine) as Free;
        f.cpu -= frag.cpu;
        f.mem -= frag.mem;
        addAlloc(m, fw, frag.cpu, frag.mem);
      }
      x.env.send(fw, { type: 'Offer', offer, fragments });
      x.env.output({ type: 'offer', framework: fw - 2, machines: fragments.length });
      offered = true;
      break; // Shares changed: re-sort.
    }
    if (!offered) break;
  }
  assert(
    m.free.every((f) => f.cpu >= 0 && f.mem >= 0),
    'never offers more than is free',
  );
}

/** Takes an offer back: its resources return to the pool. */
function release(x: X, offer: number): Map<NodeId, Free> {
  const m = master(x);
  const o = m.offers[offer];
  const back = new Map<NodeId, Free>();
  if (o === undefined) return back;
  delete m.offers[offer];
  for (const frag of o.fragments) {
    const f = freeOf(m, frag.machine) as Free;
    f.cpu += frag.cpu;
    f.mem += frag.mem;
    addAlloc(m, o.framework, -frag.cpu, -frag.mem);
    const b = back.get(frag.machine) ?? { machine: frag.machine, cpu: 0, mem: 0 };
    back.set(frag.machine, { ...b, cpu: b.cpu + frag.cpu, mem: b.mem + frag.mem });
  }
  return back;
}

/** The tick: rescind offers held too long, then allocate what is free. */
export function masterTick(x: X): void {
  const m = master(x);
  const now = x.env.now();
  for (const [id, o] of Object.entries(m.offers)) {
    if (now - o.sentMs < x.c.opts.offerTimeoutMs) continue;
    release(x, Number(id));
    x.env.send(o.framework, { type: 'Rescind', offer: Number(id) });
    x.env.output({ type: 'rescind', framework: o.framework - 2 });
  }
  masterAllocate(x);
  x.env.setTimer('tick', TICK_MS);
  assert(
    Object.values(m.offers).every((o) => now - o.sentMs < x.c.opts.offerTimeoutMs),
    'fresh',
  );
}

/** A framework answered offers: launch what fits in them, decline (and filter) the rest. */
export function masterAccept(
  x: X,
  fw: NodeId,
  offers: readonly number[],
  launches: readonly Placement[],
): void {
  const m = master(x);
  const avail = new Map<NodeId, Free>();
  for (const id of new Set(offers)) {
    if (m.offers[id]?.framework !== fw) continue; // Rescinded, or not this framework's.
    for (const [machine, f] of release(x, id)) {
      const a = avail.get(machine) ?? { machine, cpu: 0, mem: 0 };
      avail.set(machine, { machine, cpu: a.cpu + f.cpu, mem: a.mem + f.mem });
    }
  }
  const perMachine = new Map<NodeId, TaskSpec[]>();
  for (const { machine, task } of launches) {
    const known = m.tasks[keyOf(task)];
    if (known !== undefined && known.attempt === task.attempt) continue; // A duplicate Accept.
    const a = avail.get(machine);
    const f = freeOf(m, machine);
    // Declared lost to its framework (reconciliation), or the machine went down meanwhile.
    const gone = (m.lost[keyOf(task)] ?? -1) >= task.attempt || !isUp(m.members, machine);
    if (a === undefined || f === undefined || known !== undefined || gone || !fits(a, task)) {
      x.env.send(fw, {
        type: 'TaskLost',
        task: { job: task.job, index: task.index, attempt: task.attempt },
      });
      continue;
    }
    a.cpu -= task.cpu;
    a.mem -= task.mem;
    f.cpu -= task.cpu;
    f.mem -= task.mem;
    addAlloc(m, fw, task.cpu, task.mem);
    const launched = { framework: fw, machine, attempt: task.attempt };
    const sent = { session: sessionOf(m.members, machine), confirmed: false, sentMs: x.env.now() };
    m.tasks[keyOf(task)] = { ...launched, cpu: task.cpu, mem: task.mem, ...sent };
    perMachine.set(machine, [...(perMachine.get(machine) ?? []), task]);
  }
  declineLeftovers(x, fw, avail);
  for (const machine of [...perMachine.keys()].sort((a, b) => a - b))
    x.env.send(machine, {
      type: 'Launch',
      tasks: perMachine.get(machine) as TaskSpec[],
      preempt: [],
      version: -1,
      session: sessionOf(m.members, machine),
    });
  masterAllocate(x);
}

function declineLeftovers(x: X, fw: NodeId, avail: ReadonlyMap<NodeId, Free>): void {
  const m = master(x);
  const declined = [...avail.values()].filter((a) => a.cpu > 0 && a.mem > 0);
  if (declined.length === 0) return;
  const filter = m.filters[fw] ?? {};
  for (const a of declined) filter[a.machine] = x.env.now() + x.c.opts.refuseMs;
  m.filters[fw] = filter;
  x.env.output({ type: 'decline', framework: fw - 2, machines: declined.length });
}

/** A launched task ended (or its machine refused it): free it and tell its framework. */
export function masterTaskEnded(x: X, from: NodeId, t: TaskRef, lost: boolean): void {
  const m = master(x);
  const launched = m.tasks[keyOf(t)];
  if (launched === undefined || launched.attempt !== t.attempt || launched.machine !== from) return; // A duplicate.
  delete m.tasks[keyOf(t)];
  m.ended[keyOf(t)] = { attempt: t.attempt, done: !lost };
  const f = freeOf(m, from) as Free;
  f.cpu += launched.cpu;
  f.mem += launched.mem;
  addAlloc(m, launched.framework, -launched.cpu, -launched.mem);
  const task = { job: t.job, index: t.index, attempt: t.attempt };
  x.env.send(launched.framework, { type: lost ? 'TaskLost' : 'TaskFinished', task });
  masterAllocate(x);
}
