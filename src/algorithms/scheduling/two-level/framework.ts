// A framework scheduler of two-level scheduling (Mesos, NSDI 2011 §3): it owns its jobs
// but no resources. It says whether it has pending tasks (Hungry), and when offered
// resources it spends its decision time, places what it can on them (placement.ts, per
// machine summed over the offers it holds), and answers every offer it holds with one
// Accept — what it does not use is declined. With `--hoard` (the service framework only) a
// framework that could place nothing keeps its offers instead of declining them, hoping
// later offers add up to what it needs: the resources sit idle, locked, until it can use
// them or the master rescinds them.

import { assert } from '../../../core/assert.js';
import { jobsOf } from '../shared/config.js';
import { HEARTBEAT_MS, RETRY_MS } from '../shared/lease.js';
import { enqueue, markDone, ownerArrive, settleLate, takeJob } from '../shared/owner.js';
import { type Free, pickMachine } from '../shared/placement.js';
import { decisionMs, type Job, type TaskRef, taskOf } from '../shared/workload.js';
import type { Placement } from './messages.js';
import type { X } from './options.js';
import type { FrameworkState } from './state.js';

const keyOf = (t: { job: number; index: number }) => `${t.job}.${t.index}`;
const ownerIndex = (x: X) => x.env.id - 2;

function framework(x: X): FrameworkState {
  assert(x.s.framework !== null, 'only frameworks run jobs');
  return x.s.framework;
}

/** Tells the master when the framework starts or stops wanting resources. */
export function frameworkHungry(x: X): void {
  const f = framework(x);
  const wants = f.owner.pending.length > 0;
  if (wants === f.hungrySent) return;
  f.hungrySent = wants;
  f.hungrySeq++;
  x.env.send(1, { type: 'Hungry', seq: f.hungrySeq, pending: f.owner.pending.length });
}

export function frameworkArrive(x: X): void {
  const f = framework(x);
  ownerArrive(x.env, f.owner, jobsOf(x.c.cluster, ownerIndex(x)), x.c.cluster.jobById);
  frameworkHungry(x);
}

export function frameworkOffer(x: X, offer: number, fragments: readonly Free[]): void {
  const f = framework(x);
  f.offers[offer] = fragments.map((g) => ({ ...g }));
  if (f.deciding) return;
  f.deciding = true;
  const head = f.owner.pending[0];
  const job = head === undefined ? undefined : x.c.cluster.jobById.get(head.job);
  const tasks = f.owner.pending.filter((p) => p.job === head?.job).length;
  x.env.setTimer('decide', job === undefined ? 0 : decisionMs(job, tasks, x.c.opts));
  assert(f.deciding, 'an offer starts a decision');
}

/** The offers held, summed per machine. */
function held(f: FrameworkState): Free[] {
  const sum = new Map<number, Free>();
  for (const fragments of Object.values(f.offers))
    for (const g of fragments) {
      const s = sum.get(g.machine) ?? { machine: g.machine, cpu: 0, mem: 0 };
      sum.set(g.machine, { machine: g.machine, cpu: s.cpu + g.cpu, mem: s.mem + g.mem });
    }
  return [...sum.values()].sort((a, b) => a.machine - b.machine);
}

export function frameworkDecide(x: X): void {
  const f = framework(x);
  f.deciding = false;
  const free = held(f);
  const launches: Placement[] = [];
  const jobs = [...new Set(f.owner.pending.map((t) => t.job))];
  for (const id of jobs) {
    const job = x.c.cluster.jobById.get(id) as Job;
    for (const t of takeJob(f.owner, id)) {
      const g = pickMachine(free, job, x.c.cluster.capacity);
      if (g === undefined) {
        enqueue(f.owner, x.c.cluster.jobById, t);
        continue;
      }
      g.cpu -= job.cpu;
      g.mem -= job.mem;
      f.launched[keyOf(t)] = t.attempt;
      f.acceptedMs[keyOf(t)] = x.env.now();
      launches.push({ machine: g.machine, task: taskOf(job, t.index, t.attempt, ownerIndex(x)) });
    }
  }
  const hoarding = x.c.opts.hoard && ownerIndex(x) === 0 && x.c.cluster.owners > 1;
  if (!(hoarding && launches.length === 0 && f.owner.pending.length > 0)) {
    const offers = Object.keys(f.offers).map(Number);
    f.offers = {};
    x.env.send(1, { type: 'Accept', offers, launches });
  }
  frameworkHungry(x);
  assert(!f.deciding, 'a decision ends');
}

export function frameworkRescind(x: X, offer: number): void {
  const f = framework(x);
  delete f.offers[offer];
  assert(f.offers[offer] === undefined, 'a rescinded offer is gone');
}

/** The master reports one of our tasks ended, or was lost (queued again). */
export function frameworkTaskEnded(x: X, t: TaskRef, lost: boolean): void {
  const f = framework(x);
  if (f.launched[keyOf(t)] !== t.attempt) {
    // A duplicate — or an attempt given up on that ran to its end after all.
    if (!lost) settleLate(f.owner, x.c.cluster.jobById, t);
    return;
  }
  delete f.launched[keyOf(t)];
  delete f.acceptedMs[keyOf(t)];
  if (lost) enqueue(f.owner, x.c.cluster.jobById, { ...t, attempt: t.attempt + 1 });
  else markDone(f.owner, t);
  frameworkHungry(x);
}

/**
 * A framework's (re)start, its books read back: announce whether it wants resources under
 * a new Hungry number, and reconcile every task it launched before (Mesos frameworks
 * re-register and reconcile after a failover).
 */
export function frameworkStart(x: X): void {
  const f = framework(x);
  for (const key of Object.keys(f.launched)) f.acceptedMs[key] = x.env.now();
  f.hungrySent = f.owner.pending.length > 0;
  f.hungrySeq++;
  x.env.send(1, { type: 'Hungry', seq: f.hungrySeq, pending: f.owner.pending.length });
  frameworkArrive(x);
  x.env.setTimer('beat', HEARTBEAT_MS);
}

/**
 * The beat timer: say again whether it wants resources (a lost Hungry, a restarted master),
 * and reconcile the tasks launched long enough ago that the master should know them.
 */
export function frameworkBeat(x: X): void {
  const f = framework(x);
  const now = x.env.now();
  x.env.send(1, { type: 'Hungry', seq: f.hungrySeq, pending: f.owner.pending.length });
  const tasks = Object.entries(f.launched)
    .filter(([key]) => now - (f.acceptedMs[key] ?? now) >= RETRY_MS)
    .map(([key, attempt]) => {
      const [job, index] = key.split('.').map(Number) as [number, number];
      return { job, index, attempt };
    });
  if (tasks.length > 0) x.env.send(1, { type: 'Reconcile', tasks });
  x.env.setTimer('beat', HEARTBEAT_MS);
  assert(
    tasks.every((t) => f.launched[keyOf(t)] === t.attempt),
    'reconciles its own tasks',
  );
}
