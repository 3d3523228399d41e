// Messages of `mutex/two-layer-token-ring`: the same acknowledged, stamped hand-off as the
// token ring (../token-ring/handoff.ts), once per layer. The local token goes round one LAN
// and remembers which members are done; the global token goes round the coordinators and
// remembers which LANs are done, so the rings park when the workload is over.

import {
  isArrayOf,
  isCount,
  isNodeId,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import type { TokenStamp } from '../token-ring/stamp.js';

export interface LayerToken extends TokenStamp {
  /** Members (local token) or LANs (global token) that will never ask again. */
  readonly done: readonly number[];
}

export type TwoLayerMessage =
  | { readonly type: 'LocalToken'; readonly token: LayerToken }
  | { readonly type: 'LocalAck'; readonly gen: number; readonly hop: number }
  | { readonly type: 'GlobalToken'; readonly token: LayerToken }
  | { readonly type: 'GlobalAck'; readonly gen: number; readonly hop: number };

function isToken(x: unknown, max: number | undefined): x is LayerToken {
  if (!isRecord(x)) return false;
  const done = x.done;
  return (
    x.gen === 0 &&
    isCount(x.hop) &&
    isArrayOf(done, (d) => isNodeId(d, max)) &&
    (max === undefined || done.length <= max)
  );
}

const isAck = (m: Readonly<Record<string, unknown>>) => m.gen === 0 && isCount(m.hop);

const CHECKS: MessageChecks<TwoLayerMessage> = {
  LocalToken: (m, max) => isToken(m.token, max),
  GlobalToken: (m, max) => isToken(m.token, max),
  LocalAck: isAck,
  GlobalAck: isAck,
};

/**
 * The algorithm's parseMessage: peer input is validated (STYLE.md §6) and the host drops
 * what fails. `n`, the cluster size, bounds the ids (members or LANs) a token may name.
 */
export function parseTwoLayerMessage(raw: unknown, n: number): TwoLayerMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
