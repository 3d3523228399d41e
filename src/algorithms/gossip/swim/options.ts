// Options of gossip/swim and the fixed per-run config its handlers read. Defaults follow
// hashicorp/memberlist's LAN profile scaled to the simulator's 1–10 ms latency: a 100 ms
// protocol period, a 30 ms probe timeout, k = 3 indirect probes, a suspicion timeout of
// 4·max(1, log₁₀ n) periods, each update piggybacked 3·⌈log₂(n+1)⌉ times.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';

export const swimOptionSpecs = {
  periodMs: {
    kind: 'int',
    default: 100,
    min: 10,
    max: 60_000,
    description: "the protocol period T': one probe per member per period",
  },
  pingTimeoutMs: {
    kind: 'int',
    default: 30,
    min: 1,
    max: 60_000,
    description: 'no Ack within this: ask k members to probe indirectly (below the period)',
  },
  k: {
    kind: 'int',
    default: 3,
    min: 0,
    max: 16,
    description: 'members asked to probe indirectly (PingReq) after a direct probe fails',
  },
  suspicion: {
    kind: 'bool',
    default: true,
    description: 'suspect before declaring failed (SWIM §4.2); off: a failed probe is a failure',
  },
  suspicionMult: {
    kind: 'int',
    default: 4,
    min: 1,
    max: 100,
    description: 'suspicion timeout = this × max(1, log₁₀ n) periods (Lifeguard: its minimum)',
  },
  retransmitMult: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 100,
    description: 'each membership update is piggybacked this × ⌈log₂(n+1)⌉ times',
  },
  lifeguard: {
    kind: 'bool',
    default: false,
    description:
      'Lifeguard (Dadgar et al. 2018): local health multiplier, dogpile suspicion timeouts, buddy system',
  },
} as const satisfies OptionSpecs;

export type SwimOptions = OptionsOf<typeof swimOptionSpecs>;

/** Fixed for a run: what the handlers need of the options and the cluster size. */
export interface SwimConfig {
  readonly periodMs: number;
  readonly pingTimeoutMs: number;
  readonly k: number;
  readonly suspicion: boolean;
  /** Suspicion timeout without confirmations (Lifeguard: its maximum). */
  readonly suspicionMaxMs: number;
  /** The timeout once k independent members suspect (without Lifeguard: the only one). */
  readonly suspicionMinMs: number;
  readonly retransmits: number;
  readonly lifeguard: boolean;
  /** Lifeguard's bound on the local health multiplier. */
  readonly maxLhm: number;
  /** Updates piggybacked on one message at most. */
  readonly maxPiggyback: number;
  /** Every this many periods, probe one member believed failed (it may have come back). */
  readonly reconnectEvery: number;
}

/** Lifeguard's β: a lone suspicion waits this many times the minimum timeout. */
export const DOGPILE_BETA = 6;

export function swimConfig(opts: SwimOptions, n: number): SwimConfig {
  const minMs = Math.round(opts.suspicionMult * Math.max(1, Math.log10(n)) * opts.periodMs);
  return {
    periodMs: opts.periodMs,
    pingTimeoutMs: Math.min(opts.pingTimeoutMs, opts.periodMs - 1),
    k: opts.k,
    suspicion: opts.suspicion,
    suspicionMinMs: minMs,
    suspicionMaxMs: opts.lifeguard ? DOGPILE_BETA * minMs : minMs,
    retransmits: opts.retransmitMult * Math.ceil(Math.log2(n + 1)),
    lifeguard: opts.lifeguard,
    maxLhm: 8,
    maxPiggyback: 8,
    reconnectEvery: 10,
  };
}
