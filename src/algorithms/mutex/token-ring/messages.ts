// Messages of `mutex/token-ring`. The token carries its stamp (generation, hop), the ring's
// current membership, the last n grants (who took it at which hop: the lease evidence) and
// the members that will never ask again (so the ring can park once the workload is over).
// Regeneration follows the Paxos phase-1 shape: Probe (is the token really gone?), then
// Prepare/Promise for a new generation, with Refuse for stale or needless candidates.

import type { NodeId } from '../../../core/process.js';
import {
  isArrayOf,
  isBool,
  isCount,
  isNodeId,
  isOneOf,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import { isStamp, type TokenStamp } from './stamp.js';

export interface Grant {
  readonly node: NodeId;
  readonly hop: number;
}

export interface RingToken extends TokenStamp {
  /** Members in ring order (ascending ids; the successor of the largest is the smallest). */
  readonly ring: readonly NodeId[];
  /** The last n takes of this generation's token, oldest first. */
  readonly log: readonly Grant[];
  /** Members that have made all their requests. */
  readonly done: readonly NodeId[];
}

export type TokenRingMessage =
  | { readonly type: 'Token'; readonly token: RingToken }
  | { readonly type: 'TokenAck'; readonly gen: number; readonly hop: number }
  /** The receiver promised `promised` > gen: this token is dead. */
  | {
      readonly type: 'TokenReject';
      readonly gen: number;
      readonly hop: number;
      readonly promised: number;
    }
  | { readonly type: 'Probe' }
  /**
   * `alive`: holding a token (`holding`) or saw one (or promised a generation) lately;
   * `seen`: the newest stamp seen; `promised`: the replier's promised generation.
   */
  | {
      readonly type: 'ProbeReply';
      readonly alive: boolean;
      readonly holding: boolean;
      readonly seen: TokenStamp;
      readonly promised: number;
    }
  /** `holding`: the stamp of the token a repairing holder could not hand off. */
  | { readonly type: 'Prepare'; readonly gen: number; readonly holding: TokenStamp | null }
  | {
      readonly type: 'Promise';
      readonly gen: number;
      readonly remainingMs: number;
      readonly done: boolean;
    }
  /** The candidate of `gen` gave it up before issuing it: promisers may take it back. */
  | { readonly type: 'Withdraw'; readonly gen: number }
  | {
      readonly type: 'Refuse';
      readonly gen: number;
      readonly reason: (typeof REFUSALS)[number];
      readonly promised: number;
    };

const REFUSALS = ['stale', 'alive'] as const;

function isIdList(x: unknown, n: number | undefined): x is NodeId[] {
  return isArrayOf(x, (id) => isNodeId(id, n)) && (n === undefined || x.length <= n);
}

function isGrant(x: unknown, n: number | undefined): x is Grant {
  return isRecord(x) && isNodeId(x.node, n) && isCount(x.hop);
}

function isToken(x: unknown, n: number | undefined): x is RingToken {
  if (!isRecord(x)) return false;
  const log = x.log;
  return (
    isCount(x.gen) &&
    isCount(x.hop) &&
    isIdList(x.ring, n) &&
    isIdList(x.done, n) &&
    isArrayOf(log, (g) => isGrant(g, n)) &&
    (n === undefined || log.length <= n)
  );
}

const hasGen = (m: Readonly<Record<string, unknown>>) => isCount(m.gen);

const CHECKS: MessageChecks<TokenRingMessage> = {
  Token: (m, n) => isToken(m.token, n),
  TokenAck: (m) => isCount(m.gen) && isCount(m.hop),
  TokenReject: (m) => isCount(m.gen) && isCount(m.hop) && isCount(m.promised),
  Probe: () => true,
  ProbeReply: (m) => isBool(m.alive) && isBool(m.holding) && isStamp(m.seen) && isCount(m.promised),
  Prepare: (m) => isCount(m.gen) && (m.holding === null || isStamp(m.holding)),
  Promise: (m) => isCount(m.gen) && isCount(m.remainingMs) && isBool(m.done),
  Withdraw: hasGen,
  Refuse: (m) => isCount(m.gen) && isCount(m.promised) && isOneOf(m.reason, REFUSALS),
};

/**
 * The algorithm's parseMessage: peer input is validated, never trusted (STYLE.md §6); the
 * host drops what fails. `n`: the cluster size (node ids are 1..n).
 */
export function parseTokenRingMessage(raw: unknown, n: number): TokenRingMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
