// Messages of replication/quorum (quorum.ts explains the protocol): a coordinator's Put and
// Get to replicas and their replies; Repair (read repair and anti-entropy: versions a
// replica should merge); Handoff of hinted versions to their owner and its acknowledgement.
// `parseQuorumMessage` is the algorithm's parseMessage: the host drops what fails it.

import {
  isArrayOf,
  isCount,
  isNodeId,
  isString,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import type { KvClientOutput } from '../../replicated-kv/history.js';
import type { Clock, Version } from './versions.js';

export type QuorumMessage =
  /** `hint`: the preferred replica this stand-in holds the version for (0: none). */
  | {
      readonly type: 'Put';
      readonly req: number;
      readonly key: string;
      readonly version: Version;
      readonly hint: number;
    }
  | { readonly type: 'PutAck'; readonly req: number }
  | { readonly type: 'Get'; readonly req: number; readonly key: string }
  | {
      readonly type: 'GetReply';
      readonly req: number;
      readonly key: string;
      readonly siblings: readonly Version[];
    }
  | { readonly type: 'Repair'; readonly key: string; readonly siblings: readonly Version[] }
  | {
      readonly type: 'Handoff';
      readonly hint: number;
      readonly key: string;
      readonly siblings: readonly Version[];
    }
  | { readonly type: 'HandoffAck'; readonly hint: number };

/** Bounds on what a peer may send: a clock per node, a few siblings per key. */
const MAX_SIBLINGS = 64;
const MAX_TEXT = 256;

function isClock(x: unknown, n: number): x is Clock {
  if (!Array.isArray(x) || x.length > n) return false;
  let last = 0;
  for (const e of x) {
    if (!Array.isArray(e) || e.length !== 2) return false;
    const [node, counter] = e as unknown[];
    if (!isNodeId(node, n) || !isCount(counter) || counter < 1 || node <= last) return false;
    last = node;
  }
  return true;
}

function isVersion(x: unknown, n: number): x is Version {
  if (typeof x !== 'object' || x === null) return false;
  const { value, clock } = x as Record<string, unknown>;
  return isString(value) && value.length <= MAX_TEXT && isClock(clock, n);
}

function isSiblings(x: unknown, n: number): x is Version[] {
  return isArrayOf(x, (v): v is Version => isVersion(v, n)) && x.length <= MAX_SIBLINGS;
}

const isKey = (x: unknown): x is string => isString(x) && x.length <= MAX_TEXT;

const CHECKS: MessageChecks<QuorumMessage> = {
  Put: (m, n = 0) =>
    isCount(m.req) &&
    isKey(m.key) &&
    isVersion(m.version, n) &&
    (m.hint === 0 || isNodeId(m.hint, n)),
  PutAck: (m) => isCount(m.req),
  Get: (m) => isCount(m.req) && isKey(m.key),
  GetReply: (m, n = 0) => isCount(m.req) && isKey(m.key) && isSiblings(m.siblings, n),
  Repair: (m, n = 0) => isKey(m.key) && isSiblings(m.siblings, n),
  Handoff: (m, n = 0) => isCount(m.hint) && isKey(m.key) && isSiblings(m.siblings, n),
  HandoffAck: (m) => isCount(m.hint),
};

/** `n`: the cluster size (clocks name nodes 1..n). */
export function parseQuorumMessage(raw: unknown, n: number): QuorumMessage | undefined {
  return parseByType(CHECKS, raw, n);
}

/**
 * Outputs: the client's history (replicated-kv/history.ts), a coordinator giving up on an
 * operation (it stays open in the history: it may have reached some replicas), and the
 * version of every acknowledged write (what "no acknowledged write lost" is checked on).
 */
export type QuorumOutput =
  | KvClientOutput
  | {
      readonly type: 'refused';
      readonly client: number;
      readonly seq: number;
      readonly key: string;
    }
  | { readonly type: 'acked'; readonly key: string; readonly version: Version };
