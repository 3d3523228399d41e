// Named runs of consensus/zab: the leader crashing while operations flow (the new leader holds
// and re-commits what was committed), a leader cut off with a minority, lossy reordering
// links (FIFO rebuilt), and observers that learn without voting.

import type { Scenario } from '../../../core/algorithm.js';

export const zabScenarios: readonly Scenario[] = [
  {
    name: 'leader-crash-mid-broadcast',
    description:
      'The first leader (5) crashes while operations flow: the others elect the server with the ' +
      'newest history, which synchronizes a quorum with it before proposing; nothing is lost.',
    faults: 'crash 5 @900; restart 5 @2000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'minority-partition',
    description:
      'The leader is cut off with one follower: it loses its quorum of pings and stops; ' +
      'the majority elects a new epoch; after healing, the old side re-synchronizes.',
    faults: 'partition 4,5|1,2,3 @700..2200',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-links',
    description: 'Links drop 10% and reorder: in-order acceptance plus re-sends rebuild FIFO.',
    faults: 'drop 0.1 @0..3000; reorder 0.2 @0..3000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'observers-learn',
    description: 'Servers 6 and 7 observe: they deliver every operation but never vote or lead.',
    nodes: 7,
    options: { observers: [6, 7] },
    faults: '',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
