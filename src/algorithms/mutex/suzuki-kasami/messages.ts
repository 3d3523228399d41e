// Messages of mutex/suzuki-kasami: the paper's REQUEST(i, sn) and the token (LN, Q), plus
// the acknowledgement of a hand-off (suzuki-kasami.ts explains the stamps).
// `parseSuzukiKasamiMessage` is the algorithm's parseMessage: the host drops what fails it.
// A token must have one LN entry per node and queue only nodes of the cluster, at most once
// each: the holder hands the token to the head of Q.

import type { NodeId } from '../../../core/process.js';
import {
  isArrayOf,
  isCount,
  isNodeId,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';

export interface Token {
  /** LN[j − 1]: the number of node j's last served request. */
  readonly ln: readonly number[];
  /** Nodes waiting for the token, in the order they were queued. */
  readonly queue: readonly NodeId[];
  /** How many times the token has changed hands (the hand-off stamp). */
  readonly transfers: number;
}

export type SuzukiKasamiMessage =
  | { readonly type: 'Request'; readonly sn: number }
  | { readonly type: 'Token'; readonly token: Token }
  | { readonly type: 'TokenAck'; readonly transfers: number };

function isToken(x: unknown, n: number | undefined): x is Token {
  if (!isRecord(x)) return false;
  const { ln, queue } = x;
  return (
    isArrayOf(ln, isCount) &&
    ln.length === n &&
    isArrayOf(queue, (id) => isNodeId(id, n)) &&
    new Set(queue).size === queue.length &&
    isCount(x.transfers)
  );
}

const CHECKS: MessageChecks<SuzukiKasamiMessage> = {
  Request: (m) => isCount(m.sn),
  Token: (m, n) => isToken(m.token, n),
  TokenAck: (m) => isCount(m.transfers),
};

/** `n`: the cluster size. */
export function parseSuzukiKasamiMessage(raw: unknown, n: number): SuzukiKasamiMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
