// Options of byzantine/pbft and the per-run config its handlers read: the options, the
// signature scheme, n and f, and `deliver` — how a replica hands a message to itself or
// replays a buffered one (wired by pbft.ts; a function here keeps the modules acyclic).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { byzantineFaults } from '../../../core/quorum.js';
import type { SignatureScheme } from '../signed-messages/signature-scheme.js';
import type { Checks } from './crypto.js';
import type { PbftMessage, PbftOutput } from './messages.js';
import type { PbftState } from './state.js';

export const pbftOptionSpecs = {
  byzantine: {
    kind: 'ints',
    default: [],
    description: 'the Byzantine replicas (at most f to be safe)',
  },
  behaviour: {
    kind: 'choice',
    default: 'silent',
    choices: ['silent', 'equivocate'],
    description: 'Byzantine replicas stay silent, or (as primary) send conflicting pre-prepares',
  },
  requests: { kind: 'int', default: 5, min: 0, max: 10_000, description: 'requests per client' },
  thinkMs: {
    kind: 'int',
    default: 30,
    min: 1,
    max: 600_000,
    description: 'pause between requests',
  },
  timeoutMs: {
    kind: 'int',
    default: 200,
    min: 1,
    max: 600_000,
    description: 'a backup waits this long for a request to execute before a view change',
  },
  retryMs: {
    kind: 'int',
    default: 300,
    min: 1,
    max: 600_000,
    description: 'a client without f+1 matching replies broadcasts its request again',
  },
} as const satisfies OptionSpecs;

export type PbftOptions = OptionsOf<typeof pbftOptionSpecs>;

/** What every PBFT handler receives (the kernel's Step). */
export type PbftStep = Step<PbftMessage, PbftOutput, PbftState, PbftConfig>;

/** Fixed for a run: the options, the checks' scheme, n and f, and the delivery function. */
export interface PbftConfig extends PbftOptions, Checks {
  /** Handles `m` from `from` now, as the network would (pbft.ts): to itself, or replayed. */
  readonly deliver: (x: PbftStep, from: NodeId, m: PbftMessage) => void;
}

export function pbftConfig(
  nodes: readonly NodeId[],
  opts: PbftOptions,
  scheme: SignatureScheme,
  deliver: PbftConfig['deliver'],
): PbftConfig {
  const n = nodes.length;
  return { ...opts, scheme, n, f: byzantineFaults(n), deliver };
}
