// Named runs of mutex/token-ring: a holder crashing inside (regeneration), a successor
// crashing (ring repair and rejoin), the idle ring's wasted messages the notes warn about,
// a lossy network, an isolated holder whose lease the new token waits out — and, outside
// the fault model, a pause longer than the lease assumes.

import type { Scenario } from '../../../core/algorithm.js';

export const tokenRingScenarios: readonly Scenario[] = [
  {
    name: 'holder-crash-regenerates',
    description:
      'The holder crashes for good inside its critical section: the others notice the ' +
      'token is lost, regenerate it exactly once (generation agreed by a majority) and are ' +
      'all served; the ring closes over the dead node.',
    faults: 'crash 3 @400',
    options: { thinkMs: 5, requests: 10 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'successor-crash-repairs-ring',
    description:
      'A node crashes; its predecessor cannot hand it the token, skips it through a new ' +
      'generation, and the node rejoins the ring when it restarts.',
    faults: 'crash 4 @300; restart 4 @2500',
    options: { thinkMs: 20, requests: 10 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'idle-ring-wastes-messages',
    description:
      'Each node asks once, seconds apart: the token circulates all the while, so ' +
      'hundreds of messages are spent per entry (the notes: wastes messages when idle).',
    faults: '',
    durationMs: 12_000,
    options: { requests: 1, thinkMs: 3_000 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-network',
    description: 'A fifth of messages lost and a tenth duplicated: no token lost or doubled.',
    faults: 'drop 20% @0..3000; dup 10% @0..3000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'isolated-holder-waits-out-lease',
    description:
      'Node 5 is cut off just after entering a long critical section: its predecessor ' +
      'cannot hand off, repairs the ring with a majority, but issues the new token only ' +
      'after the lease node 5 entered under has run out — so 5 is out by then.',
    faults: 'isolate 5 @4570..9000',
    durationMs: 30_000,
    options: { thinkMs: 5, requests: 1, holdMs: 1_000 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'long-pause-breaks-lease',
    description:
      'Outside the fault model: the holder is paused inside the critical section for 3 s ' +
      '(> maxPauseMs). To the others it is indistinguishable from a crash; they regenerate ' +
      'and enter while it is still inside — mutual exclusion is violated.',
    faults: 'pause 1 @460..3460',
    options: { thinkMs: 5, requests: 20 },
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
