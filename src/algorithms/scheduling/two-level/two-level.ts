// The scheduling/two-level process: node 1 is the Mesos master (master.ts), nodes
// 2..frameworks+1 framework schedulers (framework.ts), the rest machines
// (shared/machine.ts). Framework 1 (node 2) runs the service jobs, the others share the
// batch jobs. Timers: the master's `tick` (rescind stale offers, declare machines down,
// send unanswered Launches again, allocate), a framework's `arrive`, `decide` and `beat`
// (Hungry again, reconcile), a machine's `finish`, `beat` and `lease`.
//
// Fault model (shared/lease.ts): messages lost, duplicated, delayed and reordered;
// partitions; machines, frameworks and the master crash and restart; pauses and clock
// drift within the lease's bounds. master-recovery.ts says how each is survived.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import { loadBooks, saveBooks } from '../shared/books.js';
import {
  machineBeat,
  machineCheckLeases,
  machineFinish,
  machineHeartbeatAck,
  machineLaunch,
  machineStart,
} from '../shared/machine.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import {
  frameworkArrive,
  frameworkBeat,
  frameworkDecide,
  frameworkOffer,
  frameworkRescind,
  frameworkStart,
  frameworkTaskEnded,
} from './framework.js';
import { masterAccept, masterAllocate, masterTaskEnded, masterTick } from './master.js';
import {
  masterHeartbeat,
  masterLaunched,
  masterReconcile,
  masterStart,
  masterWatch,
} from './master-recovery.js';
import type { TwoLevelMessage } from './messages.js';
import { TICK_MS, type TwoLevelConfig, type X } from './options.js';
import {
  FRAMEWORK_BOOKS,
  FRAMEWORK_BOOKS_KEY,
  initTwoLevelState,
  MASTER,
  type TwoLevelState,
} from './state.js';

export type TwoLevelTimer = 'arrive' | 'decide' | 'beat' | 'finish' | 'lease' | 'tick';

const isFrameworkId = (x: X, id: number) => x.c.frameworks.includes(id);
const NO_USAGE: readonly number[] = [];
const LAUNCHERS: readonly number[] = [MASTER];

function machineOf(x: X) {
  assert(x.s.machine !== null, 'only machines run tasks');
  return x.s.machine;
}

/** Ends a framework step that changed its books: written before its messages leave. */
function saveFramework(x: X): void {
  const f = x.s.framework;
  assert(f !== null, 'only frameworks keep books');
  saveBooks(x.env.storage, FRAMEWORK_BOOKS_KEY, f, FRAMEWORK_BOOKS);
}

export const createTwoLevel = defineProcess<
  TwoLevelMessage,
  SchedulingOutput,
  TwoLevelState,
  TwoLevelConfig,
  TwoLevelTimer
>({
  init: initTwoLevelState,
  onStart(x) {
    if (x.s.master !== null) {
      masterStart(x);
      x.env.setTimer('tick', TICK_MS);
    }
    if (x.s.framework !== null) {
      loadBooks(x.env.storage, FRAMEWORK_BOOKS_KEY, x.s.framework, FRAMEWORK_BOOKS);
      frameworkStart(x);
      saveFramework(x);
    }
    if (x.s.machine !== null) machineStart(x.env, x.s.machine, LAUNCHERS);
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
      masterLaunched(x, from, m.accepted, m.rejected);
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
    Heartbeat(x, from, m) {
      if (x.s.master === null) return;
      masterHeartbeat(x, from, m);
    },
    HeartbeatAck(x, from, m) {
      if (x.s.machine === null || from !== MASTER) return;
      machineHeartbeatAck(x.env, x.s.machine, from, m);
    },
    Reconcile(x, from, m) {
      if (x.s.master === null || !isFrameworkId(x, from)) return;
      masterReconcile(x, from, m.tasks);
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
      saveFramework(x);
    },
    TaskFinished(x, from, m) {
      if (x.s.framework === null || from !== MASTER) return;
      frameworkTaskEnded(x, m.task, false);
      saveFramework(x);
    },
  },
  onTimer: {
    arrive(x) {
      frameworkArrive(x);
      saveFramework(x);
    },
    decide(x) {
      frameworkDecide(x);
      saveFramework(x);
    },
    beat(x) {
      if (x.s.framework !== null) frameworkBeat(x);
      else machineBeat(x.env, machineOf(x));
    },
    finish: (x) => machineFinish(x.env, machineOf(x), NO_USAGE),
    lease: (x) => machineCheckLeases(x.env, machineOf(x)),
    tick(x) {
      masterWatch(x);
      masterTick(x);
      assert(x.s.master !== null, 'the master ticks');
    },
  },
});
