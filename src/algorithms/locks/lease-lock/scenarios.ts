// Named runs of locks/lease-lock: Kleppmann's GC pause — a holder paused past its TTL
// while a second client acquires and writes, then waking to write under its old lease —
// without fencing (the storage applies both holders' writes interleaved) and with it (the
// stale write is refused); the same with a client clock running slow; and a lock server
// crash, after which the server sits out one TTL.

import type { Scenario } from '../../../core/algorithm.js';

const GC_PAUSE = 'pause 4 @30..3030';

export const leaseLockScenarios: readonly Scenario[] = [
  {
    name: 'gc-pause',
    description:
      'Outside the fault model: client 4, the first holder, is paused for 3 s in the middle of its work (a GC ' +
      'pause far past its 1 s TTL). Another client is granted the lock and writes; client 4 wakes ' +
      'and writes under its stale lease — the storage applies it after the newer one.',
    faults: GC_PAUSE,
    expect: { safety: 'violated', liveness: 'hold' },
  },
  {
    name: 'gc-pause-fenced',
    description:
      'The same pause with --fencing: client 4’s late write carries an older token than ' +
      'the storage has seen, and is refused.',
    faults: GC_PAUSE,
    options: { fencing: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'clock-drift',
    description:
      'Outside the fault model: client 3’s clock runs at a fifth of real speed. Its lease budget looks ' +
      'untouched long after the server has given the lock to another client, whose write ' +
      'client 3 then overwrites.',
    faults: 'drift 3 -800000ppm',
    options: { workMs: 300, writes: 2 },
    expect: { safety: 'violated', liveness: 'hold' },
  },
  {
    name: 'clock-drift-fenced',
    description: 'The same slow clock with --fencing: its late writes are refused.',
    faults: 'drift 3 -800000ppm',
    options: { workMs: 300, writes: 2, fencing: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'server-restart',
    description:
      'The lock server crashes while a lease is out and restarts: it forgot the lease, so ' +
      'it grants nothing for one TTL, and its durable token keeps growing.',
    faults: 'crash 1 @300; restart 1 @500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
