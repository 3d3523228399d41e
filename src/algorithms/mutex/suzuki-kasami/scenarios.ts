// Named runs of mutex/suzuki-kasami: the token dies with a holder that stays down, survives
// one that restarts (it is durable), and lost requests and hand-offs are re-sent.

import type { Scenario } from '../../../core/algorithm.js';

export const suzukiKasamiScenarios: readonly Scenario[] = [
  {
    name: 'holder-crash-stalls',
    description:
      'The token holder crashes for good: the token is gone and every other node stalls.',
    faults: 'crash 1 @2',
    options: { thinkMs: 200 },
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'holder-restarts',
    description: 'The holder crashes and returns: its durable token lets everyone finish.',
    faults: 'crash 1 @2; restart 1 @800',
    options: { thinkMs: 200 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lost-request-retried',
    description: 'Half the messages are lost for a while: requests and hand-offs are re-sent.',
    faults: 'drop 0.5 @0..2000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
