// Named runs of election/zab-fle: the notes' worked examples (startup and run-time
// elections), an even split that elects nobody and the weights that break it, and the
// flapping largest id that Bully hands leadership back to and FLE does not.

import type { Scenario } from '../../../core/algorithm.js';

export const zabFleScenarios: readonly Scenario[] = [
  {
    name: 'startup-elects-3',
    description: 'The notes: three servers at epoch 1, zxid 0 elect server 3.',
    faults: '',
    nodes: 3,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'runtime-elects-1',
    description:
      'The notes: server 2 is down; servers 1 (zxid 123) and 3 (zxid 122) elect server 1.',
    faults: 'crash 2 @0',
    nodes: 3,
    options: { zxids: [123, 0, 122] },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'even-split-elects-nobody',
    description: 'Four servers split 2|2: no side has a majority, so nobody leads.',
    faults: 'partition 1,2|3,4 @0',
    nodes: 4,
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'weights-break-the-tie',
    description:
      'The same 2|2 split with weights 3,1,1,1: the side holding server 1 elects (the other ' +
      'side cannot follow it while cut off).',
    faults: 'partition 1,2|3,4 @0',
    nodes: 4,
    options: { weights: [3, 1, 1, 1] },
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'flapping-largest',
    description:
      "Bully's flapping node 5 (the first leader) crashes and returns three times: the others " +
      'elect node 4 once and keep it, since a returning server joins the established leader ' +
      '(leaderChanges = 1; compare election/bully).',
    faults:
      'crash 5 @400; restart 5 @900; crash 5 @1400; restart 5 @1900; crash 5 @2400; restart 5 @2900',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'leader-crash',
    description: 'The leader crashes: the others elect the next best and establish a new epoch.',
    faults: 'crash 5 @1000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
