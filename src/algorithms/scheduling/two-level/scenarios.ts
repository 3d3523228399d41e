// Named runs of scheduling/two-level: what resource offers cost — a framework that needs
// large pieces starving on fragments, and a framework hoarding offers.

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
];
