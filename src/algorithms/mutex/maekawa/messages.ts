// Messages of mutex/maekawa (maekawa.ts explains the protocol): every message names the
// request it is about by its Lamport timestamp; votes and the messages about them carry the
// voter's grant stamp. `parseMaekawaMessage` is the algorithm's parseMessage: the host drops
// whatever fails it.

import { isCount, type MessageChecks, parseByType } from '../../../core/validate.js';

export type MaekawaMessage =
  | { readonly type: 'Request'; readonly ts: number }
  | { readonly type: 'Locked'; readonly ts: number; readonly stamp: number }
  | { readonly type: 'Failed'; readonly ts: number }
  | { readonly type: 'Inquire'; readonly ts: number; readonly stamp: number }
  | { readonly type: 'Relinquish'; readonly ts: number; readonly stamp: number }
  | { readonly type: 'Release'; readonly ts: number };

type Fields = Readonly<Record<string, unknown>>;
const aboutRequest = (m: Fields) => isCount(m.ts);
const aboutVote = (m: Fields) => isCount(m.ts) && isCount(m.stamp);

const CHECKS: MessageChecks<MaekawaMessage> = {
  Request: aboutRequest,
  Locked: aboutVote,
  Failed: aboutRequest,
  Inquire: aboutVote,
  Relinquish: aboutVote,
  Release: aboutRequest,
};

export function parseMaekawaMessage(raw: unknown): MaekawaMessage | undefined {
  return parseByType(CHECKS, raw);
}
