// Named runs of testing/volatile-lock: the one fault that breaks it, on purpose.

import type { Scenario } from '../../../core/algorithm.js';

export const volatileLockScenarios: readonly Scenario[] = [
  {
    name: 'server-restart',
    description:
      'The server restarts while a client holds the lock and grants it to a second client.',
    faults: 'crash 1 @150; restart 1 @151',
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
