// Messages of `mutex/token-ring`. The token carries its stamp (generation, hop), the ring's
// current membership, the last n grants (who took it at which hop: the lease evidence) and
// the members that will never ask again (so the ring can park once the workload is over).
// Regeneration follows the Paxos phase-1 shape: Probe (is the token really gone?), then
// Prepare/Promise for a new generation, with Refuse for stale or needless candidates.

import type { NodeId } from '../../../core/process.js';
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
      readonly reason: 'stale' | 'alive';
      readonly promised: number;
    };

const nat = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;

function isIdList(x: unknown, n: number): x is NodeId[] {
  return (
    Array.isArray(x) && x.length <= n && x.every((id) => Number.isInteger(id) && id >= 1 && id <= n)
  );
}

function isToken(x: unknown, n: number): x is RingToken {
  if (!isStamp(x)) return false;
  const t = x as unknown as Record<string, unknown>;
  const log = t.log;
  return (
    nat(t.gen) &&
    nat(t.hop) &&
    isIdList(t.ring, n) &&
    isIdList(t.done, n) &&
    Array.isArray(log) &&
    log.length <= n &&
    log.every((g) => isIdList([g?.node], n) && nat(g?.hop))
  );
}

/** Peer input is validated, never trusted (STYLE.md §6): false means drop it. */
export function isValidMessage(m: TokenRingMessage, n: number): boolean {
  switch (m.type) {
    case 'Token':
      return isToken(m.token, n);
    case 'TokenAck':
      return nat(m.gen) && nat(m.hop);
    case 'TokenReject':
      return nat(m.gen) && nat(m.hop) && nat(m.promised);
    case 'Probe':
      return true;
    case 'ProbeReply':
      return (
        typeof m.alive === 'boolean' &&
        typeof m.holding === 'boolean' &&
        isStamp(m.seen) &&
        nat(m.promised)
      );
    case 'Prepare':
      return nat(m.gen) && (m.holding === null || isStamp(m.holding));
    case 'Promise':
      return nat(m.gen) && nat(m.remainingMs) && typeof m.done === 'boolean';
    case 'Withdraw':
      return nat(m.gen);
    case 'Refuse':
      return nat(m.gen) && nat(m.promised) && (m.reason === 'stale' || m.reason === 'alive');
    default:
      return false;
  }
}
