// Least connections: the peer where a new request would see the least load, (in-flight + 1)
// divided by its weight (slow start scales the weight). Ties go round robin from the last
// peer chosen, so equal peers share evenly rather than the first one taking every tie.
// (nginx's least_conn compares in-flight / weight and breaks ties by weighted round robin;
// counting the new request makes a heavy idle peer win over a light idle one.)

import { lessLoaded, type Policy, PoolBalancer } from './balancer.js';
import type { PeerState } from './pool.js';

export class LeastConnections extends PoolBalancer {
  readonly policy: Policy = 'least-conn';
  private lastId: string | null = null;

  protected choose(eligible: PeerState[], now: number): PeerState {
    const peers = this.pool.peers;
    const last = this.lastId === null ? -1 : peers.findIndex((p) => p.id === this.lastId);
    // Scan starting just after the last choice, so the first of equals wins in rotation.
    const start = eligible.findIndex((p) => peers.indexOf(p) > last);
    const from = Math.max(start, 0);
    let best = eligible[from] as PeerState;
    let bestLoad = this.pool.load(best, now);
    for (let k = 1; k < eligible.length; k++) {
      const peer = eligible[(from + k) % eligible.length] as PeerState;
      const load = this.pool.load(peer, now);
      if (lessLoaded(load, bestLoad)) {
        best = peer;
        bestLoad = load;
      }
    }
    this.lastId = best.id;
    return best;
  }
}
