// Smooth weighted round robin, nginx's algorithm (ngx_http_upstream_get_peer in
// src/http/ngx_http_upstream_round_robin.c), step for step:
//   for each available peer: current_weight += effective_weight; total += effective_weight;
//                            if effective_weight < weight: effective_weight++
//   best = the first peer with the largest current_weight;  best.current_weight -= total
// A failed request lowers the peer's effective_weight by weight / max_fails (integer
// division, not below 0), and each later round restores it by one (the `++` above), so a
// flaky peer gets a smaller share that recovers gradually. With weights 5,1,1 this gives
// a a b a c a a: spread out, never a burst of five a's.
//
// Slow start (not in open-source nginx; NGINX Plus has one) caps the weight used above with
// the ramped weight, so a rejoining peer's share grows over the window.

import { type Policy, PoolBalancer } from './balancer.js';
import type { Outcome, PeerState } from './pool.js';

export class SmoothWeightedRoundRobin extends PoolBalancer {
  readonly policy: Policy = 'swrr';

  protected choose(eligible: PeerState[], now: number): PeerState {
    let best: PeerState | null = null;
    let total = 0;
    for (const peer of eligible) {
      const weight = this.pool.weightNow(peer, now);
      if (peer.effectiveWeight > weight) peer.effectiveWeight = weight;
      peer.currentWeight += peer.effectiveWeight;
      total += peer.effectiveWeight;
      if (peer.effectiveWeight < weight) peer.effectiveWeight++;
      if (best === null || peer.currentWeight > best.currentWeight) best = peer;
    }
    // eligible is never empty (PoolBalancer.pick).
    const chosen = best as PeerState;
    chosen.currentWeight -= total;
    return chosen;
  }

  override release(id: string, outcome: Outcome = 'success'): void {
    const peer = this.pool.release(id, outcome);
    if (outcome === 'failure' && this.pool.maxFails > 0) {
      peer.effectiveWeight -= Math.floor(peer.weight / this.pool.maxFails);
      if (peer.effectiveWeight < 0) peer.effectiveWeight = 0;
    }
  }
}
