// Messages of election/bully (bully.ts explains the protocol): Election and Alive carry
// nothing but their sender; Victory, Heartbeat and their acknowledgement carry the term.
// `parseBullyMessage` is the algorithm's parseMessage: the host drops whatever fails it.

import { isCount, type MessageChecks, parseByType } from '../../../core/validate.js';

export type BullyMessage =
  | { readonly type: 'Election' }
  | { readonly type: 'Alive' }
  | { readonly type: 'Victory'; readonly term: number }
  | { readonly type: 'Heartbeat'; readonly term: number }
  | { readonly type: 'Ack'; readonly term: number };

const hasTerm = (m: Readonly<Record<string, unknown>>) => isCount(m.term);

const CHECKS: MessageChecks<BullyMessage> = {
  Election: () => true,
  Alive: () => true,
  Victory: hasTerm,
  Heartbeat: hasTerm,
  Ack: hasTerm,
};

export function parseBullyMessage(raw: unknown): BullyMessage | undefined {
  return parseByType(CHECKS, raw);
}
