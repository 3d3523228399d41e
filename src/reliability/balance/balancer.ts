// The shape every load-balancing policy shares: pick a peer for a request, release it when
// the request ends. The policies (round-robin.ts, smooth-weighted.ts, least-connections.ts,
// power-of-two.ts) differ only in `choose`; health, slow start, passive failures and
// in-flight counts live in the PeerPool.
//
// Fault model: a caller may release a peer it never picked, or twice (in-flight counts do not
// go below zero), or name an unknown peer (BalanceError 'unknown-peer').

import type { Clock } from '../clock.js';
import { type Outcome, PeerPool, type PeerSpec, type PeerState, type PoolOptions } from './pool.js';

export type Policy = 'rr' | 'swrr' | 'least-conn' | 'p2c';

export interface Balancer {
  readonly policy: Policy;
  readonly pool: PeerPool;
  /**
   * The peer for the next request (its in-flight count goes up), or null when no peer is
   * available. `exclude` skips peers already tried for this request (nginx's `tried`).
   */
  pick(exclude?: ReadonlySet<string>): string | null;
  /** The request sent to `id` ended. */
  release(id: string, outcome?: Outcome): void;
}

export abstract class PoolBalancer implements Balancer {
  abstract readonly policy: Policy;
  readonly pool: PeerPool;

  constructor(peers: readonly PeerSpec[], clock: Clock, options?: PoolOptions) {
    this.pool = new PeerPool(peers, clock, options);
  }

  /** Chooses among `eligible` (never empty), in table order. */
  protected abstract choose(eligible: PeerState[], now: number): PeerState;

  pick(exclude?: ReadonlySet<string>): string | null {
    const now = this.pool.now();
    const eligible = this.pool.eligible(now, exclude);
    if (eligible.length === 0) {
      // nginx: every peer failing (not down) is marked live again for quick recovery; this
      // request still gets no peer.
      this.pool.forgiveAll();
      return null;
    }
    return this.pool.picked(this.choose(eligible, now), now);
  }

  release(id: string, outcome: Outcome = 'success'): void {
    this.pool.release(id, outcome);
  }
}

/** a.num/a.den < b.num/b.den, exactly (all terms are safe integers well below 2^26). */
export function lessLoaded(
  a: { num: number; den: number },
  b: { num: number; den: number },
): boolean {
  return a.num * b.den < b.num * a.den;
}
