// The scheduling/monolithic process: node 1 is the Borg-style scheduler (scheduler.ts,
// recovery.ts), nodes 2..n machines (shared/machine.ts). The scheduler's timers: `arrive`
// (the next job of the stream), `decide` (the end of a decision), `watch` (declare down the
// machines past their lease, send unanswered Launches again); a machine's:
// `finish` (a task's end), `beat` (heartbeat), `lease` (a lease's end).
//
// Fault model (shared/lease.ts): messages lost, duplicated, delayed and reordered;
// partitions; machines and the scheduler crash and restart; pauses and clock drift within
// the lease's bounds. The scheduler's books are durable (state.ts), so a restarted scheduler
// neither forgets a job nor runs a finished task again; machines come back empty.

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
import type { MonolithicMessage } from './messages.js';
import type { MonolithicConfig, X } from './options.js';
import { schedulerHeartbeat, schedulerLaunched, schedulerWatch } from './recovery.js';
import { schedulerDecide, schedulerKick, schedulerRelease } from './scheduler.js';
import { BOOKS, BOOKS_KEY, initMonolithicState, type MonolithicState, SCHEDULER } from './state.js';

const saveBooks = (x: X) => saveTo(x.env.storage, BOOKS_KEY, x.s, BOOKS);

export type MonolithicTimer = 'arrive' | 'decide' | 'watch' | 'finish' | 'beat' | 'lease';

const isScheduler = (x: X) => x.s.owner !== null;
const NO_USAGE: readonly number[] = [];
const LAUNCHERS: readonly number[] = [SCHEDULER];

/** Ends a scheduler step that changed its books: they are written before its messages leave. */
function kickAndSave(x: X): void {
  schedulerKick(x);
  saveBooks(x);
}

function arrive(x: X): void {
  const owner = x.s.owner;
  assert(owner !== null, 'only the scheduler takes jobs');
  ownerArrive(x.env, owner, jobsOf(x.c.cluster, 0), x.c.cluster.jobById);
  kickAndSave(x);
}

function machineOf(x: X) {
  assert(x.s.machine !== null, 'only machines run tasks');
  return x.s.machine;
}

export const createMonolithic = defineProcess<
  MonolithicMessage,
  SchedulingOutput,
  MonolithicState,
  MonolithicConfig,
  MonolithicTimer
>({
  init: initMonolithicState,
  onStart(x) {
    if (isScheduler(x)) {
      loadBooks(x.env.storage, BOOKS_KEY, x.s, BOOKS);
      x.s.renewedMs = membersRestarted(x.s.members, x.env.now());
      x.env.setTimer('watch', 0);
      arrive(x);
    } else machineStart(x.env, machineOf(x), LAUNCHERS);
    assert(isScheduler(x) === (x.env.id === SCHEDULER), 'node 1 schedules');
    assert(isScheduler(x) !== (x.s.machine !== null), 'a node is a scheduler or a machine');
  },
  onMessage: {
    Launch(x, from, m) {
      if (x.s.machine === null || from !== SCHEDULER) return;
      machineLaunch(x.env, x.s.machine, from, m, NO_USAGE);
      assert(x.s.machine.running.length >= 0, 'a machine keeps its running list');
    },
    Launched(x, from, m) {
      if (!isScheduler(x)) return;
      schedulerLaunched(x, from, m.accepted, m.rejected);
      kickAndSave(x);
      assert(
        x.s.free.every((f) => f.cpu >= 0),
        'the view never over-commits',
      );
    },
    Finished(x, from, m) {
      if (!isScheduler(x)) return;
      schedulerRelease(x, from, m.task, !m.preempted);
      kickAndSave(x);
      assert(
        x.s.free.every((f) => f.cpu <= x.c.cluster.capacity.cpu),
        'frees at most all',
      );
    },
    Usage() {
      // Machines publish usage only to shared-state schedulers; the monolithic one's view is
      // its own bookkeeping.
    },
    Heartbeat(x, from, m) {
      if (!isScheduler(x)) return;
      if (schedulerHeartbeat(x, from, m)) kickAndSave(x);
    },
    HeartbeatAck(x, from, m) {
      if (x.s.machine === null || from !== SCHEDULER) return;
      machineHeartbeatAck(x.env, x.s.machine, from, m);
    },
  },
  onTimer: {
    arrive,
    decide(x) {
      schedulerDecide(x);
      saveBooks(x);
      assert(isScheduler(x), 'only the scheduler decides');
    },
    watch(x) {
      if (schedulerWatch(x)) kickAndSave(x);
    },
    finish: (x) => machineFinish(x.env, machineOf(x), NO_USAGE),
    beat: (x) => machineBeat(x.env, machineOf(x)),
    lease: (x) => machineCheckLeases(x.env, machineOf(x)),
  },
});
