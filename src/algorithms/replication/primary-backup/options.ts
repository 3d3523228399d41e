// Options of replication/primary-backup and the per-run config its handlers read (types
// from the spec: core/algorithm.ts OptionsOf).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import {
  type ReplicationConfig,
  replicationConfig,
  replicationOptionSpecs,
} from '../shared/options.js';

export const pbOptionSpecs = {
  mode: {
    kind: 'choice',
    default: 'sync',
    choices: ['sync', 'async'],
    description:
      'sync: the primary applies and answers once every backup has the entry; async: at once, shipping in the background',
  },
  ...replicationOptionSpecs,
} as const satisfies OptionSpecs;

export type PbOptions = OptionsOf<typeof pbOptionSpecs>;

export interface PbConfig extends ReplicationConfig {
  readonly mode: 'sync' | 'async';
}

export function pbConfig(n: number, o: PbOptions): PbConfig {
  return { ...replicationConfig(n, o), mode: o.mode };
}
