// Named runs of scheduling/shared-state: the head-of-line blocking a separate service
// scheduler removes, the conflicts optimistic concurrency pays under contention, and what
// lost messages and crashes cost when every scheduler holds its own leases.

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
  {
    name: 'partitioned-machine',
    description:
      'Machine 3 is cut off from both schedulers from 1 s to 6 s. Each scheduler’s lease ' +
      'with it lapses and the machine kills that scheduler’s tasks; each scheduler declares ' +
      'it down on its own and commits its tasks elsewhere, none running twice.',
    faults: 'partition 1,2,4,5,6,7,8,9,10|3 @1000..6000',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'scheduler-crash-mid-commit',
    description:
      'The batch scheduler (2) crashes at 1.5 s with commits in flight and restarts at 2.5 s ' +
      'from its durable books; its copy of the cell state is rebuilt from the machines’ ' +
      'heartbeats, its unanswered commits are sent again, and the service scheduler never ' +
      'stops.',
    faults: 'crash 2 @1500; restart 2 @2500',
    options: { arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-network',
    description:
      'One message in five is lost for 15 s: commits are sent again until answered, usage ' +
      'reports are lost (heartbeats bring them back), task ends ride on heartbeats until ' +
      'acknowledged. No machine is over-committed and nothing runs twice.',
    faults: 'drop 0.2 @0..15000',
    options: { schedulers: 3, arrivalMs: 40 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
