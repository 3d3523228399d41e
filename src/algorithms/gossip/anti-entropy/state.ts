// A gossip/anti-entropy node's state (anti-entropy.ts explains the protocol). The replica —
// the CRDT and `seen`, which updates of each origin it contains — is durable: an update a
// writer acknowledged survives its crash. The round count is volatile.

import type { GCounter } from '../../crdt/index.js';
import type { Replica } from './messages.js';

export type AntiEntropyOutput =
  /** A local update, acknowledged: `delta` is its effect (must stay ⊑ the replica). */
  | { readonly type: 'ack'; readonly seq: number; readonly delta: unknown }
  /** A merge taught this node updates of `origin` up to `upTo` (from `from`). */
  | {
      readonly type: 'learned';
      readonly origin: number;
      readonly from: number;
      readonly upTo: number;
    };

export interface AntiEntropyState {
  crdt: unknown;
  seen: GCounter;
  /** Rounds started in this incarnation. */
  round: number;
}

export function initAntiEntropyState(c: { readonly t: { bottom(): unknown } }): AntiEntropyState {
  return { crdt: c.t.bottom(), seen: {}, round: 0 };
}

export function replicaOf(s: AntiEntropyState): Replica {
  return { crdt: s.crdt, seen: s.seen };
}
