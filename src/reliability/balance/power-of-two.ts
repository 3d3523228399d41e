// Power of two choices (Mitzenmacher): draw two distinct available peers at random and send
// the request to the less loaded one, load being (in-flight + 1) / weight as for least
// connections. Nearly as good as least connections with far less shared state, and it
// avoids the herd of every balancer picking the same least-loaded peer. The random source
// is injected (core's Prng, seeded), so a run is reproducible.

import type { Random } from '../../core/prng.js';
import type { Clock } from '../clock.js';
import { lessLoaded, type Policy, PoolBalancer } from './balancer.js';
import type { PeerSpec, PeerState, PoolOptions } from './pool.js';

export class PowerOfTwoChoices extends PoolBalancer {
  readonly policy: Policy = 'p2c';

  constructor(
    peers: readonly PeerSpec[],
    clock: Clock,
    private readonly random: Pick<Random, 'int'>,
    options?: PoolOptions,
  ) {
    super(peers, clock, options);
  }

  protected choose(eligible: PeerState[], now: number): PeerState {
    if (eligible.length === 1) return eligible[0] as PeerState;
    const i = this.random.int(eligible.length);
    let j = this.random.int(eligible.length - 1);
    if (j >= i) j++; // Two distinct peers, each pair equally likely.
    const first = eligible[i] as PeerState;
    const second = eligible[j] as PeerState;
    // A tie goes to the first drawn, which is itself uniformly random.
    return lessLoaded(this.pool.load(second, now), this.pool.load(first, now)) ? second : first;
  }
}
