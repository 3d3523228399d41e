// What every partitioning scheme offers: the node a key belongs to. Schemes are pure values
// built from a node list (and options); the same inputs give the same mapping in any process.

import type { Key } from './hash.js';

export const SCHEMES = ['modn', 'ring', 'ketama', 'jump', 'rendezvous', 'slots'] as const;
export type Scheme = (typeof SCHEMES)[number];

export interface Partitioner {
  readonly scheme: Scheme;
  /** Node names, in the order given. */
  readonly nodes: readonly string[];
  nodeFor(key: Key): string;
}
