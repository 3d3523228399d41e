// Named runs of detect/heartbeat: a crash and its detection time; one jittery link under a
// fixed timeout (false suspicions) and under φ accrual (which learns that link's jitter and
// keeps detecting crashes elsewhere as fast); a lossy network; a partition whose minority
// side knows it is the minority.

import type { Scenario } from '../../../core/algorithm.js';

const JITTER = 'link 1-2 delay 20..400 @0..7000; crash 5 @4000';

export const heartbeatScenarios: readonly Scenario[] = [
  {
    name: 'crash-detected',
    description:
      'Node 5 crashes at 2 s: every other node suspects it within the detection time ' +
      '(detectionMsMean) and nobody suspects a live node (falseSuspicions = 0).',
    faults: 'crash 5 @2000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'jittery-link-fixed',
    description:
      'The link between nodes 1 and 2 delays 20–400 ms while the rest stay at 1–10 ms; a ' +
      'fixed 300 ms timeout, right for the calm links, makes 1 and 2 suspect each other ' +
      'again and again (falseSuspicions > 0). Node 5 crashes at 4 s.',
    faults: JITTER,
    durationMs: 9000,
    options: { detector: 'fixed', timeoutMs: 300 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'jittery-link-phi',
    description:
      'The same jittery link under φ accrual: each link has its own window, so 1 and 2 learn ' +
      "each other's jitter and wait longer (far fewer false suspicions) while node 5's " +
      'crash on calm links is detected about as fast as with the fixed timeout.',
    faults: JITTER,
    durationMs: 9000,
    options: { detector: 'phi' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-fixed',
    description:
      'One heartbeat in five is lost; a fixed timeout of 1.5 intervals suspects a live peer ' +
      'at every loss — strong accuracy fails, which is why it is a metric, not an invariant.',
    faults: 'drop 0.2 @0..4000',
    options: { detector: 'fixed', timeoutMs: 150 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partition-minority',
    description:
      'A 2|3 partition from 1 s to 3 s: nodes 1 and 2 suspect 3, 4 and 5 and report that ' +
      'they are in the minority (minorityDeclared = 1,2); 3, 4 and 5 keep their majority. ' +
      'After the heal every node sees a majority again.',
    faults: 'partition 1,2|3,4,5 @1000..3000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
