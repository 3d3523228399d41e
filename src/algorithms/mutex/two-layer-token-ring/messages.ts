// Messages of `mutex/two-layer-token-ring`: the same acknowledged, stamped hand-off as the
// token ring (../token-ring/handoff.ts), once per layer. The local token goes round one LAN
// and remembers which members are done; the global token goes round the coordinators and
// remembers which LANs are done, so the rings park when the workload is over.

import type { NodeId } from '../../../core/process.js';
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

const nat = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;

function isToken(x: unknown, max: number): x is LayerToken {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Record<string, unknown>;
  const done = t.done;
  return (
    t.gen === 0 &&
    nat(t.hop) &&
    Array.isArray(done) &&
    done.length <= max &&
    done.every((d) => Number.isInteger(d) && d >= 1 && d <= max)
  );
}

/** Validates peer input (STYLE.md §6); `max` bounds the ids a token may name. */
export function isValidMessage(m: TwoLayerMessage, max: NodeId): boolean {
  switch (m.type) {
    case 'LocalToken':
    case 'GlobalToken':
      return isToken(m.token, max);
    case 'LocalAck':
    case 'GlobalAck':
      return m.gen === 0 && nat(m.hop);
    default:
      return false;
  }
}
