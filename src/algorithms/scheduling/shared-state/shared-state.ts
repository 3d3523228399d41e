// The scheduling/shared-state process: nodes 1..schedulers are Omega schedulers
// (scheduler.ts), the rest machines (shared/machine.ts) that publish their usage to every
// scheduler after each change. Scheduler 1 takes the service jobs, the others share the
// batch jobs (shared/workload.ts ownerOf); with one scheduler it takes everything.
//
// Fault model: message delay, duplication and reordering, pauses and clock drift. Messages
// are not lost and nodes do not crash (a lost Launched would leave a claim open for good).

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import { jobsOf } from '../shared/config.js';
import { machineFinish, machineLaunch } from '../shared/machine.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { ownerArrive } from '../shared/owner.js';
import type { SharedStateMessage } from './messages.js';
import type { SharedStateConfig, X } from './options.js';
import {
  schedulerDecide,
  schedulerFinished,
  schedulerKick,
  schedulerLaunched,
  schedulerSeeUsage,
} from './scheduler.js';
import { initSharedStateState, type SharedStateState } from './state.js';

export type SharedStateTimer = 'arrive' | 'decide' | 'finish';

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
      const owner = x.s.owner as NonNullable<typeof x.s.owner>;
      ownerArrive(x.env, owner, jobsOf(x.c.cluster, x.env.id - 1), x.c.cluster.jobById);
    }
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
      schedulerLaunched(x, from, m.accepted, m.rejected, m.usage.version);
      schedulerKick(x);
      assert(x.s.owner !== null, 'a scheduler keeps its queue');
    },
    Finished(x, from, m) {
      if (!isScheduler(x)) return;
      schedulerSeeUsage(x, m.usage);
      schedulerFinished(x, from, m.task);
      schedulerKick(x);
      assert(x.s.owner !== null, 'a scheduler keeps its queue');
    },
    Usage(x, _from, m) {
      if (!isScheduler(x)) return;
      schedulerSeeUsage(x, m.usage);
      schedulerKick(x);
      assert(x.s.view.length === x.c.cluster.machines.length, 'one entry per machine');
    },
  },
  onTimer: {
    arrive(x) {
      const owner = x.s.owner;
      assert(owner !== null, 'only schedulers take jobs');
      ownerArrive(x.env, owner, jobsOf(x.c.cluster, x.env.id - 1), x.c.cluster.jobById);
      schedulerKick(x);
    },
    decide(x) {
      schedulerDecide(x);
      assert(isScheduler(x), 'only schedulers decide');
    },
    finish(x) {
      assert(x.s.machine !== null, 'only machines run tasks');
      machineFinish(x.env, x.s.machine, x.c.schedulers);
    },
  },
});
