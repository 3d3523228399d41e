// Options of replication/chain (the shared replication options: master timing, client
// workload) and its per-run config.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import {
  type ReplicationConfig,
  replicationConfig,
  replicationOptionSpecs,
} from '../shared/options.js';

export const chainOptionSpecs = { ...replicationOptionSpecs } as const satisfies OptionSpecs;

export type ChainOptions = OptionsOf<typeof chainOptionSpecs>;
export type ChainConfig = ReplicationConfig;

export function chainConfig(n: number, o: ChainOptions): ChainConfig {
  return replicationConfig(n, o);
}
