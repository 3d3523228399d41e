// A txn/transactional-message node's state: one shape, each role using its own fields.
// Durable: the order service's count of orders begun (BEFORE an order's Half leaves, so a
// restart never reuses an id) and its local transactions' outcomes (the order table); the
// broker's half messages with their check-back counts, its resolutions, and how far each
// committed order has gone down the consumer chain; a consumer's dedup set, written in the
// step that applies the order's effect (one local transaction: effect and dedup entry
// together) and BEFORE its Ack leaves. Everything else — halves in flight, local
// transactions running, timer bases, deliveries awaiting acks — is volatile.

import type { NodeId } from '../../../core/process.js';
import type { TxnNodeState, TxnOutcome } from '../shared/outputs.js';

/** Node 1 is the order service (producer), node 2 the broker, nodes 3..n the consumers. */
export const PRODUCER = 1;
export const BROKER = 2;

export type TxMsgRole = 'producer' | 'broker' | 'consumer';

export interface TxMsgState extends TxnNodeState {
  role: TxMsgRole;
  // ---- producer (the order service)
  /** Durable: orders begun; ids 1..begun. */
  begun: number;
  /**
   * Durable. Producer: each order's local transaction outcome (abort = rolled back or given
   * up). Broker: each half message's resolution (abort = rolled back, never delivered).
   */
  outcomes: Record<number, TxnOutcome>;
  /** Half sent, not yet stored: when it was first sent (gives up) and last sent (resends). */
  sending: Record<number, { sinceMs: number; lastSentMs: number }>;
  /** Half stored, local transaction running: when it finishes. */
  executing: Record<number, number>;
  // ---- broker
  /** Durable: half messages stored and unresolved, with the check-backs sent for each. */
  halves: Record<number, { checks: number }>;
  /** Since when each half message has waited (stored, last checked, or broker restarted). */
  halfSinceMs: Record<number, number>;
  /** Durable: per committed order, how many consumers of the chain have acknowledged it. */
  acked: Record<number, number>;
  /** Delivered to the next consumer of the chain, not acknowledged: when last sent. */
  inflight: Record<number, number>;
  // ---- consumer
  /** Durable: the orders whose effect this consumer applied (its dedup set), ascending. */
  consumed: number[];
}

export const TX_MSG_DURABLE = [
  'begun',
  'outcomes',
  'halves',
  'acked',
  'consumed',
] as const satisfies readonly (keyof TxMsgState)[];

export function initTxMsgState(_c: unknown, id: NodeId): TxMsgState {
  return {
    role: id === PRODUCER ? 'producer' : id === BROKER ? 'broker' : 'consumer',
    begun: 0,
    outcomes: {},
    sending: {},
    executing: {},
    halves: {},
    halfSinceMs: {},
    acked: {},
    inflight: {},
    consumed: [],
  };
}
