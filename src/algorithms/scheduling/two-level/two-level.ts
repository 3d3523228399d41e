// The scheduling/two-level process: node 1 is the Mesos master (master.ts), nodes
// 2..frameworks+1 framework schedulers (framework.ts), the rest machines
// (shared/machine.ts). Framework 1 (node 2) runs the service jobs, the others share the
// batch jobs. Timers: the master's `tick` (rescind stale offers, allocate), a framework's
// `arrive` and `decide`, a machine's `finish`.
//
// Fault model: message delay, duplication and reordering, pauses and clock drift. Messages
// are not lost and nodes do not crash (a lost Accept would leave its tasks launched in the
// framework's books only).

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import { machineFinish, machineLaunch } from '../shared/machine.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import {
  frameworkArrive,
  frameworkDecide,
  frameworkOffer,
  frameworkRescind,
  frameworkTaskEnded,
} from './framework.js';
import { masterAccept, masterAllocate, masterTaskEnded, masterTick } from './master.js';
import type { TwoLevelMessage } from './messages.js';
import { TICK_MS, type TwoLevelConfig, type X } from './options.js';
import { initTwoLevelState, MASTER, type TwoLevelState } from './state.js';

export type TwoLevelTimer = 'arrive' | 'decide' | 'finish' | 'tick';

const isFrameworkId = (x: X, id: number) => x.c.frameworks.includes(id);
const NO_USAGE: readonly number[] = [];

export const createTwoLevel = defineProcess<
  TwoLevelMessage,
  SchedulingOutput,
  TwoLevelState,
  TwoLevelConfig,
  TwoLevelTimer
>({
  init: initTwoLevelState,
  onStart(x) {
    if (x.s.master !== null) x.env.setTimer('tick', TICK_MS);
    if (x.s.framework !== null) frameworkArrive(x);
    const roles = [x.s.master, x.s.framework, x.s.machine].filter((r) => r !== null);
    assert(roles.length === 1, 'a node has exactly one role');
    assert((x.s.master !== null) === (x.env.id === MASTER), 'node 1 is the master');
  },
  onMessage: {
    Launch(x, from, m) {
      if (x.s.machine === null || from !== MASTER) return;
      machineLaunch(x.env, x.s.machine, from, m, NO_USAGE);
      assert(x.s.master === null, 'machines launch');
    },
    Launched(x, from, m) {
      if (x.s.master === null) return;
      for (const t of m.rejected) masterTaskEnded(x, from, t, true);
      assert(x.s.framework === null, 'the master hears from machines');
    },
    Finished(x, from, m) {
      if (x.s.master === null) return;
      masterTaskEnded(x, from, m.task, m.preempted);
      assert(x.s.framework === null, 'the master hears from machines');
    },
    Usage() {
      // Machines publish usage only to shared-state schedulers.
    },
    Hungry(x, from, m) {
      const master = x.s.master;
      if (master === null || !isFrameworkId(x, from)) return;
      if (m.seq <= (master.hungry[from]?.seq ?? 0)) return; // Reordered behind a newer one.
      master.hungry[from] = { seq: m.seq, pending: m.pending };
      masterAllocate(x);
      assert(master.hungry[from]?.seq === m.seq, 'the newest Hungry counts');
    },
    Accept(x, from, m) {
      if (x.s.master === null || !isFrameworkId(x, from)) return;
      masterAccept(x, from, m.offers, m.launches);
      assert(
        x.s.master.free.every((f) => f.cpu >= 0),
        'never launches beyond what is free',
      );
    },
    Offer(x, from, m) {
      if (x.s.framework === null || from !== MASTER) return;
      frameworkOffer(x, m.offer, m.fragments);
    },
    Rescind(x, from, m) {
      if (x.s.framework === null || from !== MASTER) return;
      frameworkRescind(x, m.offer);
    },
    TaskLost(x, from, m) {
      if (x.s.framework === null || from !== MASTER) return;
      frameworkTaskEnded(x, m.task, true);
    },
    TaskFinished(x, from, m) {
      if (x.s.framework === null || from !== MASTER) return;
      frameworkTaskEnded(x, m.task, false);
    },
  },
  onTimer: {
    arrive(x) {
      frameworkArrive(x);
      assert(x.s.framework !== null, 'frameworks take jobs');
    },
    decide(x) {
      frameworkDecide(x);
      assert(x.s.framework !== null, 'frameworks decide');
    },
    finish(x) {
      assert(x.s.machine !== null, 'only machines run tasks');
      machineFinish(x.env, x.s.machine, NO_USAGE);
    },
    tick(x) {
      masterTick(x);
      assert(x.s.master !== null, 'the master ticks');
    },
  },
});
