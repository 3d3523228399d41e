// The message of election/max-id: every node broadcasts its Id once. `parseMaxIdMessage` is
// the algorithm's parseMessage: an Id must name a node of the cluster (1..n), or the host
// drops it.

import type { NodeId } from '../../../core/process.js';
import { isNodeId, type MessageChecks, parseByType } from '../../../core/validate.js';

export type MaxIdMessage = { readonly type: 'Id'; readonly id: NodeId };

const CHECKS: MessageChecks<MaxIdMessage> = {
  Id: (m, n) => isNodeId(m.id, n),
};

/** `n`: the cluster size. */
export function parseMaxIdMessage(raw: unknown, n: number): MaxIdMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
