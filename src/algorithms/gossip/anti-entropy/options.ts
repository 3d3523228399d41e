// Options of gossip/anti-entropy and the fixed per-run config its handlers read: the
// exchange (push, pull, push-pull), the fanout, the round length, the replicated CRDT and
// the update workload (which nodes write, how many updates, how often).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Crdt } from '../../crdt/index.js';
import { type CrdtKind, crdtOf } from './workload.js';

export const antiEntropyOptionSpecs = {
  mode: {
    kind: 'choice',
    default: 'push-pull',
    choices: ['push', 'pull', 'push-pull'],
    description: 'push: send our state; pull: ask for theirs; push-pull: send and get an answer',
  },
  fanout: {
    kind: 'int',
    default: 1,
    min: 1,
    max: 32,
    description: 'peers contacted per round, drawn uniformly at random',
  },
  periodMs: {
    kind: 'int',
    default: 100,
    min: 20,
    max: 60_000,
    description: 'one gossip round; every node starts one this often (latency is below it)',
  },
  crdt: {
    kind: 'choice',
    default: 'orset',
    choices: ['gcounter', 'pncounter', 'orset', 'lww'],
    description: 'the replicated state: a CRDT merged on every exchange',
  },
  writers: {
    kind: 'int',
    default: 1,
    min: 0,
    max: 10_000,
    description: 'nodes 1..writers make updates (1: one rumor from node 1)',
  },
  updates: {
    kind: 'int',
    default: 1,
    min: 0,
    max: 10_000,
    description: 'updates each writer makes, one every --update-every rounds from round 1',
  },
  updateEvery: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 10_000,
    description: 'rounds between two updates of one writer',
  },
} as const satisfies OptionSpecs;

export type AntiEntropyOptions = OptionsOf<typeof antiEntropyOptionSpecs>;
export type GossipMode = AntiEntropyOptions['mode'];

/** Fixed for a run: what the handlers need of the options. */
export interface AntiEntropyConfig {
  readonly mode: GossipMode;
  readonly fanout: number;
  readonly periodMs: number;
  readonly kind: CrdtKind;
  readonly t: Crdt<unknown, unknown>;
  readonly writers: number;
  readonly updates: number;
  readonly updateEvery: number;
}

export function antiEntropyConfig(opts: AntiEntropyOptions): AntiEntropyConfig {
  return {
    mode: opts.mode,
    fanout: opts.fanout,
    periodMs: opts.periodMs,
    kind: opts.crdt,
    t: crdtOf(opts.crdt),
    writers: opts.writers,
    updates: opts.updates,
    updateEvery: opts.updateEvery,
  };
}
