// Named runs of scheduling/monolithic: head-of-line blocking (the weakness the Omega paper
// names for a single scheduler), preemption making room for service jobs, and what lost
// messages and crashes cost — plus the one fault outside the model: a machine paused
// longer than the lease arithmetic allows (shared/lease.ts) runs its tasks while their
// replacements start elsewhere.

import type { Scenario } from '../../../core/algorithm.js';

export const monolithicScenarios: readonly Scenario[] = [
  {
    name: 'head-of-line-blocking',
    description:
      'Service jobs take 400 ms each to decide on (constraints, spreading): while the one ' +
      'scheduler thinks, every batch job waits behind it — compare waitP99BatchMs with the ' +
      "default run's, and with scheduling/shared-state's split schedulers on the same stream.",
    faults: '',
    options: { serviceDecisionMs: 400 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'no-preemption',
    description:
      'A loaded cluster (arrivals every 40 ms) without preemption: service jobs wait for ' +
      'batch tasks to end (waitP99ServiceMs), where preemption would evict them.',
    faults: '',
    options: { arrivalMs: 40, preemption: false },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'preemption',
    description: 'The same load with preemption: service tasks evict batch tasks (preemptions).',
    faults: '',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'reordered-network',
    description:
      'Heavy reordering and duplication: preempting Launches overtake the Launches of their ' +
      'victims, and duplicates arrive; no task starts twice.',
    faults: 'reorder 30%; dup 10%; delay 1..80',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partitioned-machine',
    description:
      'Machine 3 is cut off from 1 s to 6 s. Its lease lapses after 2.5 s without a renewal ' +
      'and it kills its tasks; the scheduler waits 3.3 s — long enough for the lease to have ' +
      'lapsed whatever the drift — declares it down and reschedules them (tasksLost). When ' +
      'the partition heals the machine registers a new session and is used again.',
    faults: 'partition 1,2,4,5,6,7,8,9|3 @1000..6000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'machine-crash',
    description:
      'Machine 3 crashes at 1 s with its tasks and restarts empty at 6 s. The scheduler ' +
      'declares it down 3.3 s after its last lease renewal and reschedules its tasks; the ' +
      'restarted machine heartbeats in a new session and is used again.',
    faults: 'crash 3 @1000; restart 3 @6000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'scheduler-crash',
    description:
      'The scheduler crashes at 1.5 s, mid-stream, and restarts at 2.5 s from its books ' +
      '(queue, placements, machine sessions — durable, as in Borg’s Paxos store). The ' +
      'machines’ leases outlast the outage, so no task is lost; Launches it sent before the ' +
      'crash and never heard back about are sent again.',
    faults: 'crash 1 @1500; restart 1 @2500',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'long-scheduler-outage',
    description:
      'The scheduler is down from 1.5 s to 6 s: every machine’s lease lapses and every ' +
      'running task is killed (tasksLost) — the price of leases. Borg instead lets tasks run ' +
      'on while its master is away, and accepts duplicates after a partition.',
    faults: 'crash 1 @1500; restart 1 @6000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-network',
    description:
      'One message in five is lost for 15 s: Launches are sent again until answered, task ' +
      'ends ride on every heartbeat until acknowledged, and a lease lapses only when several ' +
      'heartbeats in a row are lost. No task runs twice; every job completes.',
    faults: 'drop 0.2 @0..15000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'pause-beyond-lease',
    description:
      'Outside the fault model: machine 3 is paused for 5 s, longer than the 0.5 s the ' +
      'lease arithmetic allows. It cannot act on its lapsed lease, the scheduler declares it ' +
      'down and starts its tasks elsewhere while machine 3 still holds them: a task runs ' +
      'twice at once.',
    faults: 'pause 3 @1000..6000',
    options: { arrivalMs: 40 },
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
