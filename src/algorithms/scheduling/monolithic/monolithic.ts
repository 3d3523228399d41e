// The scheduling/monolithic process: node 1 is the Borg-style scheduler (scheduler.ts),
// nodes 2..n machines (shared/machine.ts). The scheduler's timers: `arrive` (the next job
// of the stream), `decide` (the end of a decision); a machine's: `finish` (a task's end).
//
// Fault model: message delay, duplication and reordering, pauses and clock drift. Messages
// are not lost and nodes do not crash: a lost Launch or Finished would leave the scheduler's
// view wrong for good (Borg re-synchronises from the Borglet's polled state; not modelled).

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import { jobsOf } from '../shared/config.js';
import { machineFinish, machineLaunch } from '../shared/machine.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { ownerArrive } from '../shared/owner.js';
import type { MonolithicMessage } from './messages.js';
import type { MonolithicConfig, X } from './options.js';
import { schedulerDecide, schedulerKick, schedulerRelease } from './scheduler.js';
import { initMonolithicState, type MonolithicState, SCHEDULER } from './state.js';

export type MonolithicTimer = 'arrive' | 'decide' | 'finish';

const isScheduler = (x: X) => x.s.owner !== null;
const NO_USAGE: readonly number[] = [];

function arrive(x: X): void {
  const owner = x.s.owner;
  assert(owner !== null, 'only the scheduler takes jobs');
  ownerArrive(x.env, owner, jobsOf(x.c.cluster, 0), x.c.cluster.jobById);
  schedulerKick(x);
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
    if (isScheduler(x)) arrive(x);
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
      for (const r of m.rejected) schedulerRelease(x, from, r, false);
      schedulerKick(x);
      assert(
        x.s.free.every((f) => f.cpu >= 0),
        'the view never over-commits',
      );
    },
    Finished(x, from, m) {
      if (!isScheduler(x)) return;
      schedulerRelease(x, from, m.task, !m.preempted);
      schedulerKick(x);
      assert(
        x.s.free.every((f) => f.cpu <= x.c.cluster.capacity.cpu),
        'frees at most all',
      );
    },
    Usage() {
      // Machines publish usage only to shared-state schedulers; the monolithic one's view is
      // its own bookkeeping.
    },
  },
  onTimer: {
    arrive,
    decide(x) {
      schedulerDecide(x);
      assert(isScheduler(x), 'only the scheduler decides');
    },
    finish(x) {
      assert(x.s.machine !== null, 'only machines run tasks');
      machineFinish(x.env, x.s.machine, NO_USAGE);
    },
  },
});
