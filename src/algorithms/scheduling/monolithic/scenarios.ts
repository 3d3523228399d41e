// Named runs of scheduling/monolithic: head-of-line blocking (the weakness the Omega paper
// names for a single scheduler), and preemption making room for service jobs.

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
];
