// Messages of election/ring (ring.ts explains the protocol): Election and Coordinator go
// round the ring hop by hop, each hop acknowledged by its sequence number; the leader's
// Heartbeat carries its term. `parseRingMessage` is the algorithm's parseMessage: the host
// drops whatever fails it. Every id a message names must be a node of the cluster, and an
// Election lists at least one (its candidate) and at most two laps' worth (2n): ids are
// gathered once per node per lap, and the handler spreads them into Math.max.

import type { NodeId } from '../../../core/process.js';
import {
  isArrayOf,
  isCount,
  isNodeId,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';

export type Circulating =
  | {
      readonly type: 'Election';
      readonly initiator: NodeId;
      readonly term: number;
      /** The notes: every id gathered so far. Chang–Roberts: the one candidate. */
      readonly ids: readonly NodeId[];
    }
  | {
      readonly type: 'Coordinator';
      readonly initiator: NodeId;
      readonly term: number;
      readonly leader: NodeId;
      readonly ring: readonly NodeId[];
    };

export type RingMessage =
  | (Circulating & { readonly seq: number })
  | { readonly type: 'Ack'; readonly seq: number }
  | { readonly type: 'Heartbeat'; readonly term: number };

function isIds(x: unknown, n: number | undefined, limits: { min: number; max: number }) {
  return isArrayOf(x, (id) => isNodeId(id, n)) && x.length >= limits.min && x.length <= limits.max;
}

const CHECKS: MessageChecks<RingMessage> = {
  Election: (m, n = 0) =>
    isNodeId(m.initiator, n) &&
    isCount(m.term) &&
    isCount(m.seq) &&
    isIds(m.ids, n, { min: 1, max: 2 * n }),
  Coordinator: (m, n = 0) =>
    isNodeId(m.initiator, n) &&
    isCount(m.term) &&
    isCount(m.seq) &&
    isNodeId(m.leader, n) &&
    isIds(m.ring, n, { min: 0, max: n }),
  Ack: (m) => isCount(m.seq),
  Heartbeat: (m) => isCount(m.term),
};

/** `n`: the cluster size. */
export function parseRingMessage(raw: unknown, n: number): RingMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
