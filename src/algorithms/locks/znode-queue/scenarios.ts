// Named runs of locks/znode-queue: the herd effect (every waiter watching the holder: each
// release wakes them all) against the recipe (each waiter watches its predecessor), a
// crashed client whose session expires and frees the lock, a coordinator restart (sessions
// survive), and — outside the fault model — a holder paused past its session timeout: the
// coordinator rightly hands the lock on, but the paused client still believes it holds.

import type { Scenario } from '../../../core/algorithm.js';

const CROWD = { requests: 3, thinkMs: 5, holdMs: 20 };

export const znodeQueueScenarios: readonly Scenario[] = [
  {
    name: 'predecessor-watch',
    description:
      '20 clients queue at once; each waiter watches only the entry before its own, so a ' +
      'release wakes one client: 7 messages per acquire however many wait.',
    faults: '',
    nodes: 21,
    options: CROWD,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'herd-effect',
    description:
      'The same crowd with --herd: every waiter watches the holder, so each release wakes ' +
      'them all, and all but one go back to waiting — messages per acquire grow with the ' +
      'queue (the herd effect the recipe avoids).',
    faults: '',
    nodes: 21,
    options: { ...CROWD, herd: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'client-crash-expires-session',
    description:
      'Client 3 crashes for good, possibly holding the lock: its session expires, its ' +
      'ephemeral entry goes, and the others are served.',
    faults: 'crash 3 @60',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'coordinator-restart',
    description:
      'The coordinator crashes and restarts: sessions and entries are durable and get a ' +
      'fresh timeout; holders that missed their pongs gave the lock up and queue again.',
    faults: 'crash 1 @200; restart 1 @700',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'gc-pause',
    description:
      'Outside the fault model: the first holder is paused for 3 s (session timeout 1 s). ' +
      'Its session expires and the next client is granted the lock — mutual exclusion ' +
      'among live sessions holds, but the paused client still believes it holds: two ' +
      'believe at once (why a lock needs fencing).',
    faults: 'pause 4 @28..3028',
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
