// A ZooKeeper server's history and its delivery (Junqueira et al., DSN 2011, §III). The
// history is durable as a keyed log, one storage key per transaction ('history/<zxid>'),
// written here rather than as a kernel field: a step writes only the transaction it appends,
// not the whole history. Delivery follows the commit point in zxid order and applies each
// transaction to the shared key-value machine (replicated-kv/machine.ts), whose result
// completes the origin's client operation; `delivered` is a kernel field, and the machine is
// rebuilt on restart by applying the history up to it again (`replay`).
//
// Fault model: a crash loses nothing appended in an earlier step; a learner adopting its
// leader's history drops what the leader lacks (it was never committed).

import { assert } from '../../../core/assert.js';
import { complete } from './client.js';
import type { Txn } from './messages.js';
import type { X } from './state.js';

const historyKey = (zxid: number) => `history/${String(zxid).padStart(16, '0')}`;

/** The history a restarted server left in storage, in zxid order. */
export function loadHistory({ env }: X): Txn[] {
  return env.storage.keys('history/').map((k) => env.storage.get<Txn>(k) as Txn);
}

/**
 * A restarted server's machine: the durable history up to `delivered`, applied again (a
 * step is atomic on disk, so every delivered transaction is in the history).
 */
export function replay({ s }: X): void {
  let applied = 0;
  for (const txn of s.history) {
    if (txn.zxid > s.delivered) break;
    s.kv.apply(txn.origin, txn.seq, txn.op, 0);
    applied = txn.zxid;
  }
  assert(applied === s.delivered, 'the history holds every delivered transaction');
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
    // The history carries no time: sessions never expire (UNBOUNDED_SESSIONS), and a stale
    // copy (an older seq of a client that moved on) is not applied.
    const outcome = s.kv.apply(txn.origin, txn.seq, txn.op, 0);
    env.output({ type: 'deliver', txn });
    const answered = outcome.kind === 'applied' || outcome.kind === 'duplicate';
    if (answered && txn.origin === s.id && s.pending?.seq === txn.seq)
      complete(x, txn.zxid, outcome.result);
  }
}
