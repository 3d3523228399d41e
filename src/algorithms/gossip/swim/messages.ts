// Messages of gossip/swim (swim.ts explains the protocol). Ping, PingReq and Ack are the
// failure detector's (SWIM §3.1); every one of them piggybacks membership updates
// (§4.1) — alive, suspect, confirm, each with the member's incarnation number (§4.2) and,
// for suspect, who suspects (Lifeguard counts independent suspicions).

import type { RunContext } from '../../../core/algorithm.js';
import {
  isArrayOf,
  isCount,
  isNodeId,
  isOneOf,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';

export type UpdateKind = 'alive' | 'suspect' | 'confirm';

export interface MemberUpdate {
  readonly kind: UpdateKind;
  readonly node: number;
  readonly incarnation: number;
  /** Who raised it (the suspecter, the confirmer, or the member itself for alive). */
  readonly from: number;
}

export type SwimMessage =
  | { readonly type: 'Ping'; readonly seq: number; readonly updates: readonly MemberUpdate[] }
  | {
      readonly type: 'PingReq';
      readonly seq: number;
      readonly target: number;
      readonly updates: readonly MemberUpdate[];
    }
  | { readonly type: 'Ack'; readonly seq: number; readonly updates: readonly MemberUpdate[] };

/** Updates one message may carry (a bound on what a peer can make us process). */
export const MAX_UPDATES = 64;

export function parseSwimMessage(raw: unknown, ctx: RunContext): SwimMessage | undefined {
  const n = ctx.nodes.length;
  const isUpdate = (u: unknown): u is MemberUpdate =>
    isRecord(u) &&
    isOneOf(u.kind, ['alive', 'suspect', 'confirm']) &&
    isNodeId(u.node, n) &&
    isCount(u.incarnation) &&
    isNodeId(u.from, n);
  const hasUpdates = (m: Readonly<Record<string, unknown>>) =>
    isCount(m.seq) && isArrayOf(m.updates, isUpdate) && m.updates.length <= MAX_UPDATES;
  const checks: MessageChecks<SwimMessage> = {
    Ping: hasUpdates,
    Ack: hasUpdates,
    PingReq: (m) => hasUpdates(m) && isNodeId(m.target, n),
  };
  return parseByType(checks, raw, n);
}
