// Named runs of scheduling/two-level: what resource offers cost — a framework that needs
// large pieces starving on fragments, and a framework hoarding offers — and what crashes
// and lost messages cost: the master rebuilding from machines and frameworks, a framework
// restarting from its books, a partitioned machine.

import type { Scenario } from '../../../core/algorithm.js';

export const twoLevelScenarios: readonly Scenario[] = [
  {
    name: 'large-offer-starvation',
    description:
      'Service tasks need 80% of a machine; batch frameworks keep every machine partly ' +
      'busy. The service framework is offered fragments, declines them, and the batch ' +
      'frameworks take them: its jobs wait (waitP99ServiceMs) until the batch load drains.',
    faults: '',
    options: { serviceTaskPercent: 80, arrivalMs: 60 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'hoarding',
    description:
      'The same load with --hoard: the service framework keeps the fragments it cannot use, ' +
      'hoping to add up a machine. Hoarded resources sit idle, locked, while the batch ' +
      'frameworks wait (waitP99BatchMs about triples); the master rescinds hoards after ' +
      'offerTimeoutMs (rescinds).',
    faults: '',
    options: { serviceTaskPercent: 80, arrivalMs: 60, hoard: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'reordered-network',
    description:
      'Reordering, duplication and delay: duplicated Accepts, stale Hungry messages and ' +
      'reordered offers; nothing is launched twice or beyond what is free.',
    faults: 'reorder 30%; dup 10%; delay 1..80',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'master-crash-mid-offer',
    description:
      'The master crashes at 1.5 s with offers out and restarts at 2 s knowing nothing (as in ' +
      'Mesos): machines re-register and it adopts the tasks they run, frameworks say again ' +
      'that they are hungry and reconcile their tasks; Accepts for the old master’s offers ' +
      'are refused (offer ids carry the master’s epoch). No task is lost or runs twice.',
    faults: 'crash 1 @1500; restart 1 @2000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'framework-crash',
    description:
      'The service framework (2) crashes at 1.5 s and restarts at 4 s from its books: the ' +
      'offers it held are rescinded after offerTimeoutMs, its tasks run on, and it reconciles ' +
      'them with the master when it is back.',
    faults: 'crash 2 @1500; restart 2 @4000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partitioned-machine',
    description:
      'Machine 5 is cut off from 1 s to 6 s: its lease lapses and it kills its tasks; the ' +
      'master declares it down after 3.3 s and reports them lost (tasksLost), and their ' +
      'frameworks launch them again on new offers.',
    faults: 'partition 1,2,3,4,6,7,8,9,10,11,12|5 @1000..6000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-network',
    description:
      'One message in five is lost for 15 s: lost Offers are rescinded, lost Accepts and task ' +
      'reports are caught up by reconciliation, lost Launches are sent again.',
    faults: 'drop 0.2 @0..15000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
