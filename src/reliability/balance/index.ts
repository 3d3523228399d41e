// Load balancing (issue 21): round robin, nginx's smooth weighted round robin, least
// connections and power of two choices over one peer table with health checks, passive
// failures and slow start. Pure and deterministic: the clock and random source are injected.

import type { Random } from '../../core/prng.js';
import type { Clock } from '../clock.js';
import type { Balancer, Policy } from './balancer.js';
import { BalanceError } from './errors.js';
import { LeastConnections } from './least-connections.js';
import type { PeerSpec, PoolOptions } from './pool.js';
import { PowerOfTwoChoices } from './power-of-two.js';
import { RoundRobin } from './round-robin.js';
import { SmoothWeightedRoundRobin } from './smooth-weighted.js';

export type { Balancer, Policy } from './balancer.js';
export { BalanceError, type BalanceErrorCode, MAX_WEIGHT } from './errors.js';
export { LeastConnections } from './least-connections.js';
export type { Outcome, PeerPool, PeerSpec, PeerState, PoolOptions } from './pool.js';
export { PowerOfTwoChoices } from './power-of-two.js';
export { RoundRobin } from './round-robin.js';
export { SmoothWeightedRoundRobin } from './smooth-weighted.js';

export const POLICIES: readonly Policy[] = ['rr', 'swrr', 'least-conn', 'p2c'];

export interface BalancerConfig extends PoolOptions {
  readonly policy: Policy;
  readonly peers: readonly PeerSpec[];
  readonly clock: Clock;
  /** Needed by p2c only. */
  readonly random?: Pick<Random, 'int'>;
}

export function createBalancer(config: BalancerConfig): Balancer {
  const { policy, peers, clock } = config;
  switch (policy) {
    case 'rr':
      return new RoundRobin(peers, clock, config);
    case 'swrr':
      return new SmoothWeightedRoundRobin(peers, clock, config);
    case 'least-conn':
      return new LeastConnections(peers, clock, config);
    case 'p2c':
      if (config.random === undefined)
        throw new BalanceError('invalid-option', 'p2c needs a random source');
      return new PowerOfTwoChoices(peers, clock, config.random, config);
    default:
      throw new BalanceError('invalid-option', `unknown policy ${String(policy)}`);
  }
}
