// The messages replication/primary-backup and replication/chain share: the master's Ping
// (carrying its view) and the replicas' Pong; a client's Request and the Reply; a Snapshot
// (a view and the whole log, to install) and the cumulative Ack of a log index within an
// epoch. Each algorithm adds the message that ships one entry (primary-backup's Forward,
// chain's Update) and parses with `SHARED_CHECKS` plus its own.
//
// Fault model: every field is checked against the cluster size and bounds (log.ts).

import { isBool, isCount, isNullOr, isString, type MessageChecks } from '../../../core/validate.js';
import type { KvClientOutput } from '../../replicated-kv/history.js';
import { type Entry, isEntry, isKey, isLog, isView, MAX_TEXT, type View } from './log.js';

export type SharedMessage =
  | { readonly type: 'Ping'; readonly view: View }
  | { readonly type: 'Pong'; readonly installed: number; readonly rejoining: boolean }
  /** `value`: what a put writes; null for a get. */
  | {
      readonly type: 'Request';
      readonly seq: number;
      readonly key: string;
      readonly value: string | null;
    }
  | { readonly type: 'Reply'; readonly seq: number; readonly value: string | null }
  | { readonly type: 'Snapshot'; readonly view: View; readonly log: readonly Entry[] }
  | { readonly type: 'Ack'; readonly epoch: number; readonly index: number };

/** The message that ships entry number `index` (1-based) of the log within `epoch`. */
export interface Shipment {
  readonly epoch: number;
  readonly index: number;
  readonly entry: Entry;
}

const isText = (v: unknown): v is string => isString(v) && v.length <= MAX_TEXT;

export const SHARED_CHECKS: MessageChecks<SharedMessage> = {
  Ping: (m, n = 0) => isView(m.view, n),
  Pong: (m) => isCount(m.installed) && isBool(m.rejoining),
  Request: (m) => isCount(m.seq) && m.seq >= 1 && isKey(m.key) && isNullOr(m.value, isText),
  Reply: (m) => isCount(m.seq) && isNullOr(m.value, isText),
  Snapshot: (m, n = 0) => isView(m.view, n) && isLog(m.log, n),
  Ack: (m) => isCount(m.epoch) && m.epoch >= 1 && isCount(m.index),
};

export function isShipment(m: Readonly<Record<string, unknown>>, n = 0): boolean {
  return (
    isCount(m.epoch) && m.epoch >= 1 && isCount(m.index) && m.index >= 1 && isEntry(m.entry, n)
  );
}

/**
 * Outputs: the client history (replicated-kv/history.ts); every write acknowledged to its
 * client, with the log index and epoch it was acknowledged at (what "no acknowledged write
 * lost" is checked on); and every view the master issues (for the Lab and the metrics).
 */
export type ReplicationOutput =
  | KvClientOutput
  | {
      readonly type: 'acked';
      readonly index: number;
      readonly epoch: number;
      readonly entry: Entry;
    }
  | { readonly type: 'view'; readonly epoch: number; readonly members: readonly number[] };
