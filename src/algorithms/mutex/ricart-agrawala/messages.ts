// Messages of mutex/ricart-agrawala: Request (stamped with the sender's Lamport time) and OK
// are the paper's; Heartbeat feeds the failure detector (variant fd); Update and UpdateAck
// ship the replicated file (the HDFS example). `parseRicartAgrawalaMessage` is the
// algorithm's parseMessage: the host drops whatever fails it (issue 14: an `Update` without
// its file used to crash a real node).

import type { NodeId } from '../../../core/process.js';
import {
  isCount,
  isNodeId,
  isRecord,
  isString,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import type { Replica } from './replica.js';

export type RicartAgrawalaMessage =
  | {
      readonly type: 'Request';
      readonly resource: string;
      readonly ts: number;
      readonly id: NodeId;
    }
  /** `ts` echoes the request being answered; `file` is the replier's replica (HDFS mode). */
  | { readonly type: 'OK'; readonly ts: number; readonly file?: Replica }
  | { readonly type: 'Heartbeat' }
  | { readonly type: 'Update'; readonly file: Replica }
  | { readonly type: 'UpdateAck'; readonly version: number };

function isReplica(x: unknown): x is Replica {
  return isRecord(x) && isCount(x.version) && isString(x.content);
}

const CHECKS: MessageChecks<RicartAgrawalaMessage> = {
  Request: (m, n) => isString(m.resource) && isCount(m.ts) && isNodeId(m.id, n),
  OK: (m) => isCount(m.ts) && (m.file === undefined || isReplica(m.file)),
  Heartbeat: () => true,
  Update: (m) => isReplica(m.file),
  UpdateAck: (m) => isCount(m.version),
};

/** `n`: the cluster size (a Request's `id` is a node of it). */
export function parseRicartAgrawalaMessage(
  raw: unknown,
  n: number,
): RicartAgrawalaMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
