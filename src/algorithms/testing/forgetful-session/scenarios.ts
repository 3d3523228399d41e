// Named runs of testing/forgetful-session: the one fault that breaks it, on purpose.

import type { Scenario } from '../../../core/algorithm.js';

export const forgetfulSessionScenarios: readonly Scenario[] = [
  {
    name: 'server-restart',
    description: 'The server restarts, forgets every session and throws on the next request.',
    faults: 'crash 1 @150; restart 1 @151',
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
