// Options of consensus/paxos, how a node reads its role from them, and the fixed per-run
// config the handlers read (paxosConfig). The option types come from the spec itself.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { majority } from '../../../core/quorum.js';

export const paxosOptionSpecs = {
  variant: {
    kind: 'choice',
    default: 'paxos',
    choices: ['paxos', 'seed-notes'],
    description:
      "'paxos' (Paxos Made Simple) or 'seed-notes' (promises report the last PREPARED proposal)",
  },
  proposers: { kind: 'ints', default: [1], description: 'the nodes that propose' },
  values: {
    kind: 'ints',
    default: [],
    description: "each proposer's value, in the order of --proposers (default: its own id)",
  },
  acceptors: { kind: 'ints', default: [], description: 'the acceptors (default: every node)' },
  retryMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 600_000,
    description: 'a ballot without progress for this long (plus jitter) is retried higher',
  },
  backoffMs: {
    kind: 'int',
    default: 20,
    min: 1,
    max: 600_000,
    description: 'base of the randomized exponential backoff after a Nack',
  },
  askMs: {
    kind: 'int',
    default: 300,
    min: 1,
    max: 600_000,
    description: 'a learner that has learned nothing asks its peers this often',
  },
} as const satisfies OptionSpecs;

export type PaxosOptions = OptionsOf<typeof paxosOptionSpecs>;
export type PaxosVariant = PaxosOptions['variant'];

/** The roles of the cluster, resolved from the options (ids outside 1..n are ignored). */
export interface Roles {
  readonly acceptors: readonly NodeId[];
  /** proposer id → the value it proposes. */
  readonly proposals: ReadonlyMap<NodeId, number>;
  readonly majority: number;
}

export function rolesOf(nodes: readonly NodeId[], opts: PaxosOptions): Roles {
  const valid = (id: number) => nodes.includes(id);
  const chosenAcceptors = [...new Set(opts.acceptors.filter(valid))].sort((a, b) => a - b);
  const acceptors = chosenAcceptors.length > 0 ? chosenAcceptors : [...nodes];
  const proposals = new Map<NodeId, number>();
  for (const [i, id] of opts.proposers.entries()) {
    if (valid(id) && !proposals.has(id)) proposals.set(id, opts.values[i] ?? id);
  }
  return { acceptors, proposals, majority: majority(acceptors.length) };
}

/** Fixed for a run: what the handlers need of the options and the cluster. */
export interface PaxosConfig {
  readonly variant: PaxosVariant;
  readonly retryMs: number;
  readonly backoffMs: number;
  readonly askMs: number;
  readonly roles: Roles;
}

export function paxosConfig(nodes: readonly NodeId[], opts: PaxosOptions): PaxosConfig {
  const { variant, retryMs, backoffMs, askMs } = opts;
  return { variant, retryMs, backoffMs, askMs, roles: rolesOf(nodes, opts) };
}
