// Named runs of gossip/swim: a crash detected and disseminated; a lossy network where
// suspicion and refutation save members a bare failed-probe rule would declare failed; a
// partition whose sides declare each other failed and rejoin after the heal; and a slow
// member (its links delayed past the probe timeout) that, under Lifeguard, accuses less.

import type { Scenario } from '../../../core/algorithm.js';

export const swimScenarios: readonly Scenario[] = [
  {
    name: 'crash-detected',
    description:
      'Member 5 of 8 crashes at 1 s: a probe finds it, it is suspected, then confirmed, and ' +
      'the confirmation spreads on pings (detectionMsMean, firstDetectionMsMean).',
    faults: 'crash 5 @1000',
    nodes: 8,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-no-suspicion',
    description:
      'A tenth of messages lost for 4 s with suspicion off: every probe that fails ' +
      'directly and indirectly declares a live member failed (falseSuspicions > 0).',
    faults: 'drop 0.1 @0..4000',
    nodes: 8,
    durationMs: 5_000,
    options: { suspicion: false },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-suspicion',
    description:
      'The same loss with suspicion: suspected members refute in time, far fewer are ' +
      'declared failed.',
    faults: 'drop 0.1 @0..4000',
    nodes: 8,
    durationMs: 5_000,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partition-rejoin',
    description:
      'A 3|5 partition for 3 s: each side declares the other failed; after the heal the ' +
      'reconnect probes carry the confirmations across, the members refute, and all rejoin.',
    faults: 'partition 1,2,3|4,5,6,7,8 @500..3500',
    nodes: 8,
    durationMs: 4_000,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'slow-member-lifeguard',
    description:
      "Member 1's links take 20–80 ms for 4 s, past the 30 ms probe timeout: it accuses " +
      'healthy members. With --lifeguard its health multiplier stretches its timeouts ' +
      'and dogpile timeouts wait for independent suspicions.',
    faults:
      'link 1-2 delay 20..80 @0..4000; link 1-3 delay 20..80 @0..4000; link 1-4 delay 20..80 @0..4000; link 1-5 delay 20..80 @0..4000; link 1-6 delay 20..80 @0..4000',
    nodes: 6,
    durationMs: 5_000,
    options: { lifeguard: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
