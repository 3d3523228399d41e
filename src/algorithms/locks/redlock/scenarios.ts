// Named runs of locks/redlock: Kleppmann's critique — the clocks of a majority of instances
// jump ahead (run far fast), their keys expire early and a second client gathers a
// majority while the first still holds — beside what Redlock does survive: a minority of
// instances down for good, and an instance restarting (it sits out one TTL); and a
// majority down, which stalls everyone.

import type { Scenario } from '../../../core/algorithm.js';

export const redlockScenarios: readonly Scenario[] = [
  {
    name: 'clock-jump',
    description:
      'Outside the fault model: the clocks of instances 1, 2 and 3 run 90% fast (a jump ' +
      'forward, as NTP may make). Their keys expire long before the TTL the holder counts ' +
      'on; another client locks those three — a majority — and two clients hold at once.',
    faults: 'drift 1 +900000ppm; drift 2 +900000ppm; drift 3 +900000ppm',
    options: { holdMs: 300 },
    expect: { safety: 'violated', liveness: 'hold' },
  },
  {
    name: 'clock-jump-minority',
    description:
      'The same jump on two instances only: no majority without a third, whose key still ' +
      'stands, so mutual exclusion holds.',
    faults: 'drift 1 +900000ppm; drift 2 +900000ppm',
    options: { holdMs: 300 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'minority-down',
    description: 'Instances 1 and 2 crash for good: the other three still make a majority.',
    faults: 'crash 1 @100; crash 2 @100',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'instance-restart',
    description:
      'Instances 1, 2 and 3 crash and come back (their keys lost): each refuses every lock ' +
      'for one TTL, so a key it forgot cannot be granted twice.',
    faults:
      'crash 1 @200; crash 2 @200; crash 3 @200; restart 1 @300; restart 2 @300; restart 3 @300',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'majority-down',
    description: 'Instances 1, 2 and 3 crash for good: no majority, nobody holds again.',
    faults: 'crash 1 @100; crash 2 @100; crash 3 @100',
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
