// Named runs of scheduling/shared-state: the head-of-line blocking a separate service
// scheduler removes, and the conflicts optimistic concurrency pays under contention.

import type { Scenario } from '../../../core/algorithm.js';

export const sharedStateScenarios: readonly Scenario[] = [
  {
    name: 'no-head-of-line-blocking',
    description:
      "scheduling/monolithic's head-of-line-blocking stream (service decisions take 400 ms): " +
      'the service scheduler thinks alone, batch jobs do not wait behind it (waitP99BatchMs).',
    faults: '',
    options: { serviceDecisionMs: 400 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'contention',
    description:
      'Eight schedulers, arrivals every 30 ms, 50 ms decisions and coarse-grained conflict ' +
      'detection: snapshots go stale while schedulers think, so commits conflict and retry ' +
      '(conflicts, conflictFraction).',
    faults: '',
    nodes: 16,
    options: {
      schedulers: 8,
      arrivalMs: 30,
      batchDecisionMs: 50,
      serviceDecisionMs: 50,
      conflicts: 'coarse',
    },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'contention-fine-grained',
    description:
      'The same contention with fine-grained detection: only commits that no longer fit ' +
      'conflict, so fewer retries — but still many, as every scheduler scores the same ' +
      'machine best when one frees up (real contention, not false conflicts).',
    faults: '',
    nodes: 16,
    options: { schedulers: 8, arrivalMs: 30, batchDecisionMs: 50, serviceDecisionMs: 50 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'reordered-network',
    description:
      'Reordering, duplication and delay: stale Usage reports arrive after fresh ones and ' +
      'answers are duplicated; the copies keep the newest version and nothing runs twice.',
    faults: 'reorder 30%; dup 10%; delay 1..80',
    options: { schedulers: 3, arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
