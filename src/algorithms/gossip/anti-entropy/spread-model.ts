// The synchronous round model of rumor spreading (Pittel 1987; Karp, Schindelhauer,
// Shenker, Vöcking, FOCS 2000) for one update: in every round each of n nodes contacts
// `fanout` others uniformly at random; a push informs the contacted node if the caller was
// informed when the round began, a pull informs the caller if the contacted node was, and
// push-pull does both — the same exchanges as anti-entropy.ts, with the CRDT reduced to one
// bit. It exists because the simulator keeps n² link records (about 1 GB at 2,000 nodes):
// 10,000 nodes fit here and not there. anti-entropy.test.ts checks the two agree where both
// run. Messages count as in the simulation: one per contact, plus a reply only where the
// contacted node is ahead (pull, push-pull).

import { Prng } from '../../../core/prng.js';
import { pickOthers } from '../peers.js';
import type { GossipMode } from './options.js';

export interface SpreadResult {
  readonly rounds: number;
  /** Messages per node until every node was informed. */
  readonly messagesPerNode: number;
}

/** Rounds until all `n` nodes know node 1's update, which it holds before round 1. */
export function modelSpread(
  n: number,
  mode: GossipMode,
  fanout: number,
  seed: number,
): SpreadResult {
  const random = Prng.derive(seed, `spread-model/${n}/${mode}/${fanout}`);
  let informed = new Uint8Array(n + 1);
  informed[1] = 1;
  let count = 1;
  let rounds = 0;
  let messages = 0;
  while (count < n) {
    rounds++;
    const next = informed.slice();
    for (let id = 1; id <= n; id++) {
      for (const p of pickOthers(random, n, id, fanout)) {
        messages++;
        if (mode !== 'pull' && informed[id] === 1) next[p] = 1;
        if (mode !== 'push' && informed[p] === 1 && informed[id] === 0) {
          next[id] = 1;
          messages++; // The contacted node answers only when it is ahead.
        }
      }
    }
    informed = next;
    count = 0;
    for (let id = 1; id <= n; id++) count += informed[id] as number;
  }
  return { rounds, messagesPerNode: messages / n };
}

/**
 * The papers' leading terms: push log₂n + ln n (Pittel 1987); pull log₂n + log₂ln n (the
 * uninformed fraction squares each round once half know); push-pull log₃n + log₂ln n
 * (Karp et al. 2000). With fanout f, push's terms become log_{1+f} n + ln n / f.
 */
export function expectedRounds(n: number, mode: GossipMode, fanout: number): number {
  const lnln = n > Math.E ? Math.log2(Math.log(n)) : 0;
  if (mode === 'push') return Math.log(n) / Math.log(1 + fanout) + Math.log(n) / fanout;
  if (mode === 'pull') return Math.log(n) / Math.log(1 + fanout) + lnln;
  return Math.log(n) / Math.log(2 + fanout) + lnln;
}
