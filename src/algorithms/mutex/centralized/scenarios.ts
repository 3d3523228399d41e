// Named runs of mutex/centralized that show what the notes warn about [000, 001 §2.1]: the
// coordinator's load, its single point of failure — and what --failover does about it,
// including the split brain a partition causes.

import type { Scenario } from '../../../core/algorithm.js';

export const centralizedScenarios: readonly Scenario[] = [
  {
    name: 'coordinator-load',
    description:
      '100 programs each enter once: the coordinator handles 300 messages (3 per entry).',
    faults: '',
    nodes: 101,
    options: { requests: 1, holdMs: 1, thinkMs: 20 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'coordinator-crash',
    description: 'The coordinator crashes for good: nobody enters again (single point of failure).',
    faults: 'crash 1 @200',
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'coordinator-restart',
    description: 'The coordinator restarts; its durable queue lets everyone finish.',
    faults: 'crash 1 @200; restart 1 @600',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'failover-recovers',
    description:
      'With --failover the coordinator crashes for good: node 2 is elected, rebuilds the ' +
      'queue from the clients and everyone finishes.',
    faults: 'crash 1 @200',
    options: { failover: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'failover-twice',
    description:
      'With --failover two coordinators crash in turn; node 1 returns and follows node 3.',
    faults: 'crash 1 @200; crash 2 @1200; restart 1 @1800',
    options: { failover: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'failover-split-brain',
    description:
      'With --failover a partition looks like a crash: the far side elects node 4 while ' +
      'node 1 still coordinates its side, and two clients are inside at once.',
    faults: 'partition 1,2,3|4,5 @200..6000',
    options: { failover: true, requests: 40, thinkMs: 100 },
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
