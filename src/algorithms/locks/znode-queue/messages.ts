// Messages of locks/znode-queue: the ZooKeeper lock recipe's calls, each a request and its
// reply. Ping / Pong keep a session alive (the Pong echoes the client's send time, from
// which the client knows its session cannot have expired yet). Create makes an ephemeral
// sequential entry (idempotent per session and request number) and sets a watch; Check
// asks again after a watch fired; Notify is the watch event; Delete releases.
// `parseZnodeQueueMessage` is the algorithm's parseMessage.

import {
  isBool,
  isCount,
  isFiniteNumber,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';

export type ZnodeQueueMessage =
  | { readonly type: 'Ping'; readonly session: number; readonly atMs: number }
  | { readonly type: 'Pong'; readonly session: number; readonly atMs: number }
  | { readonly type: 'Create'; readonly session: number; readonly req: number }
  /** `pred`: the entry watched (0: none, the lock is yours). */
  | {
      readonly type: 'Created';
      readonly session: number;
      readonly req: number;
      readonly seq: number;
      readonly pred: number;
    }
  | { readonly type: 'Check'; readonly seq: number }
  | {
      readonly type: 'CheckReply';
      readonly seq: number;
      readonly pred: number;
      /** False when the entry is gone (its session expired): start afresh. */
      readonly exists: boolean;
    }
  | { readonly type: 'Notify'; readonly seq: number }
  | { readonly type: 'Delete'; readonly seq: number }
  | { readonly type: 'Deleted'; readonly seq: number };

const time = (x: unknown) => isFiniteNumber(x) && x >= 0;

const CHECKS: MessageChecks<ZnodeQueueMessage> = {
  Ping: (m) => isCount(m.session) && time(m.atMs),
  Pong: (m) => isCount(m.session) && time(m.atMs),
  Create: (m) => isCount(m.session) && isCount(m.req),
  Created: (m) => isCount(m.session) && isCount(m.req) && isCount(m.seq) && isCount(m.pred),
  Check: (m) => isCount(m.seq),
  CheckReply: (m) => isCount(m.seq) && isCount(m.pred) && isBool(m.exists),
  Notify: (m) => isCount(m.seq),
  Delete: (m) => isCount(m.seq),
  Deleted: (m) => isCount(m.seq),
};

export function parseZnodeQueueMessage(raw: unknown): ZnodeQueueMessage | undefined {
  return parseByType(CHECKS, raw);
}
