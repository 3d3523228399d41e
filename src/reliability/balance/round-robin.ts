// Round robin: each available peer in turn, weights ignored. The cursor remembers the last
// peer chosen, so a peer that leaves and rejoins does not reset the rotation.

import { type Policy, PoolBalancer } from './balancer.js';
import type { PeerState } from './pool.js';

export class RoundRobin extends PoolBalancer {
  readonly policy: Policy = 'rr';
  private lastId: string | null = null;

  protected choose(eligible: PeerState[]): PeerState {
    const peers = this.pool.peers;
    const last = this.lastId === null ? -1 : peers.findIndex((p) => p.id === this.lastId);
    // The first eligible peer after the last one chosen, in table order, wrapping around.
    const next = eligible.find((p) => peers.indexOf(p) > last) ?? (eligible[0] as PeerState);
    this.lastId = next.id;
    return next;
  }
}
