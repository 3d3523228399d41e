// Messages of testing/forgetful-session (forgetful-session.ts explains the protocol): Open
// and Opened carry nothing but their sender; a Request and its Reply carry the request
// number. `parseSessionMessage` is the algorithm's parseMessage: the host drops whatever
// fails it, so the bug stays the forgotten session alone. The output (a request answered)
// is declared here too.

import { isCount, type MessageChecks, parseByType } from '../../../core/validate.js';

export type SessionMessage =
  | { readonly type: 'Open' }
  | { readonly type: 'Opened' }
  | { readonly type: 'Request'; readonly seq: number }
  | { readonly type: 'Reply'; readonly seq: number };

const hasSeq = (m: Readonly<Record<string, unknown>>) => isCount(m.seq);

const CHECKS: MessageChecks<SessionMessage> = {
  Open: () => true,
  Opened: () => true,
  Request: hasSeq,
  Reply: hasSeq,
};

export function parseSessionMessage(raw: unknown): SessionMessage | undefined {
  return parseByType(CHECKS, raw);
}

/** A client's request `seq` was answered. */
export type SessionOutput = { readonly type: 'served'; readonly seq: number };
