// A ZooKeeper server's history and its delivery (Junqueira et al., DSN 2011, §III). The
// history is durable as a keyed log, one storage key per transaction ('history/<zxid>'),
// written here rather than as a kernel field: a step writes only the transaction it appends,
// not the whole history. Delivery follows the commit point in zxid order; `delivered` is a
// kernel field.
//
// Fault model: a crash loses nothing appended in an earlier step; a learner adopting its
// leader's history drops what the leader lacks (it was never committed).

import { complete } from './client.js';
import type { Txn } from './messages.js';
import type { X } from './state.js';

const historyKey = (zxid: number) => `history/${String(zxid).padStart(16, '0')}`;

/** The history a restarted server left in storage, in zxid order. */
export function loadHistory({ env }: X): Txn[] {
  return env.storage.keys('history/').map((k) => env.storage.get<Txn>(k) as Txn);
}

export function append({ s, env }: X, txn: Txn): void {
  s.history.push(txn);
  env.storage.set(historyKey(txn.zxid), txn);
}

/** A learner adopts the leader's history: what the leader lacks was never committed. */
export function adopt({ s, env }: X, history: readonly Txn[]): void {
  const keep = new Set(history.map((t) => historyKey(t.zxid)));
  for (const key of env.storage.keys('history/')) if (!keep.has(key)) env.storage.delete(key);
  for (const t of history) env.storage.set(historyKey(t.zxid), t);
  s.history = [...history];
}

/** Delivers, in zxid order, what is committed and not yet delivered. */
export function deliver(x: X): void {
  const { s, env } = x;
  for (const txn of s.history) {
    if (txn.zxid <= s.delivered) continue;
    if (txn.zxid > s.committed) break;
    s.delivered = txn.zxid;
    env.output({ type: 'deliver', txn });
    if (txn.origin === s.id && s.pending?.seq === txn.seq) complete(x, txn.zxid);
  }
}
