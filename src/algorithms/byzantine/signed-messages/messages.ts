// SM(m)'s one message (Lamport, Shostak and Pease 1982, §4): an order with its chain of
// signatures, commander first. `parseSignedMessage` checks its shape only; whether the chain
// is valid — signers, order, each signature — is verifyChain's business (signed-messages.ts).

import type { NodeId } from '../../../core/process.js';
import {
  isArrayOf,
  isNodeId,
  isRecord,
  isString,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import { isOrder, type Order } from '../generals.js';

export interface Signature {
  readonly signer: NodeId;
  readonly sig: string;
}

/** The paper's v:0:j1:…:jk — the order and its chain of signatures, commander first. */
export interface SignedOrder {
  readonly type: 'SignedOrder';
  readonly value: Order;
  readonly signatures: readonly Signature[];
}

function isSignature(s: unknown, n?: number): s is Signature {
  return isRecord(s) && isNodeId(s.signer, n) && isString(s.sig);
}

const checks: MessageChecks<SignedOrder> = {
  SignedOrder: (m, n) =>
    isOrder(m.value) && isArrayOf(m.signatures, (s): s is Signature => isSignature(s, n)),
};

/** The message itself if it is well formed (node ids within 1..n when `n` is given). */
export function parseSignedMessage(raw: unknown, n?: number): SignedOrder | undefined {
  return parseByType(checks, raw, n);
}
