// The scheduling/shared-state process: nodes 1..schedulers are Omega schedulers
// (scheduler.ts), the rest machines (shared/machine.ts) that publish their usage to every
// scheduler after each change. Scheduler 1 takes the service jobs, the others share the
// batch jobs (shared/workload.ts ownerOf); with one scheduler it takes everything.
//
// Fault model (shared/lease.ts): messages lost, duplicated, delayed and reordered;
// partitions; machines and schedulers crash and restart; pauses and clock drift within the
// lease's bounds (recovery.ts). Timers: a scheduler's `arrive`, `decide` and `watch`
// (machines past their lease, commits to send again); a machine's `finish`, `beat`, `lease`.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import { loadBooks, saveBooks as saveTo } from '../shared/books.js';
import { jobsOf } from '../shared/config.js';
import {
  machineBeat,
  machineCheckLeases,
  machineFinish,
  machineHeartbeatAck,
  machineLaunch,
  machineStart,
} from '../shared/machine.js';
import { membersRestarted } from '../shared/members.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { ownerArrive } from '../shared/owner.js';
import type { SharedStateMessage } from './messages.js';
import type { SharedStateConfig, X } from './options.js';
import { schedulerHeartbeat, schedulerWatch } from './recovery.js';
import {
  schedulerDecide,
  schedulerFinished,
  schedulerKick,
  schedulerLaunched,
  schedulerSeeUsage,
} from './scheduler.js';
import { BOOKS, BOOKS_KEY, initSharedStateState, type SharedStateState } from './state.js';

export type SharedStateTimer = 'arrive' | 'decide' | 'watch' | 'finish' | 'beat' | 'lease';

const saveBooks = (x: X) => saveTo(x.env.storage, BOOKS_KEY, x.s, BOOKS);

/** Ends a scheduler step that changed its books: they are written before its messages leave. */
function kickAndSave(x: X): void {
  schedulerKick(x);
  saveBooks(x);
}

function machineOf(x: X) {
  assert(x.s.machine !== null, 'only machines run tasks');
  return x.s.machine;
}

const isScheduler = (x: X) => x.s.owner !== null;
const isSchedulerId = (x: X, id: number) => x.c.schedulers.includes(id);

export const createSharedState = defineProcess<
  SharedStateMessage,
  SchedulingOutput,
  SharedStateState,
  SharedStateConfig,
  SharedStateTimer
>({
  init: initSharedStateState,
  onStart(x) {
    if (isScheduler(x)) {
      loadBooks(x.env.storage, BOOKS_KEY, x.s, BOOKS);
      x.s.renewedMs = membersRestarted(x.s.members, x.env.now());
      x.env.setTimer('watch', 0);
      const owner = x.s.owner as NonNullable<typeof x.s.owner>;
      ownerArrive(x.env, owner, jobsOf(x.c.cluster, x.env.id - 1), x.c.cluster.jobById);
      kickAndSave(x);
    } else machineStart(x.env, machineOf(x), x.c.schedulers);
    assert(isScheduler(x) === isSchedulerId(x, x.env.id), 'nodes 1..schedulers schedule');
    assert(isScheduler(x) !== (x.s.machine !== null), 'a node is a scheduler or a machine');
  },
  onMessage: {
    Launch(x, from, m) {
      if (x.s.machine === null || !isSchedulerId(x, from)) return;
      machineLaunch(x.env, x.s.machine, from, m, x.c.schedulers);
      assert(!isScheduler(x), 'machines judge commits');
    },
    Launched(x, from, m) {
      if (!isScheduler(x)) return;
      schedulerSeeUsage(x, m.usage);
      schedulerLaunched(x, from, m.accepted, m.rejected, m.usage);
      kickAndSave(x);
      assert(x.s.owner !== null, 'a scheduler keeps its queue');
    },
    Finished(x, from, m) {
      if (!isScheduler(x)) return;
      schedulerSeeUsage(x, m.usage);
      schedulerFinished(x, from, m.task, m.preempted);
      kickAndSave(x);
      assert(x.s.owner !== null, 'a scheduler keeps its queue');
    },
    Usage(x, _from, m) {
      if (!isScheduler(x)) return;
      schedulerSeeUsage(x, m.usage);
      schedulerKick(x);
      assert(x.s.view.length === x.c.cluster.machines.length, 'one entry per machine');
    },
    Heartbeat(x, from, m) {
      if (!isScheduler(x)) return;
      if (schedulerHeartbeat(x, from, m)) kickAndSave(x);
      else schedulerKick(x); // Its usage may have freed room.
    },
    HeartbeatAck(x, from, m) {
      if (x.s.machine === null || !isSchedulerId(x, from)) return;
      machineHeartbeatAck(x.env, x.s.machine, from, m);
    },
  },
  onTimer: {
    arrive(x) {
      const owner = x.s.owner;
      assert(owner !== null, 'only schedulers take jobs');
      ownerArrive(x.env, owner, jobsOf(x.c.cluster, x.env.id - 1), x.c.cluster.jobById);
      kickAndSave(x);
    },
    decide(x) {
      schedulerDecide(x);
      saveBooks(x);
      assert(isScheduler(x), 'only schedulers decide');
    },
    watch(x) {
      if (schedulerWatch(x)) kickAndSave(x);
    },
    finish: (x) => machineFinish(x.env, machineOf(x), x.c.schedulers),
    beat: (x) => machineBeat(x.env, machineOf(x)),
    lease: (x) => machineCheckLeases(x.env, machineOf(x)),
  },
});
