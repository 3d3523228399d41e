// Eventual consistency, as a finite history can show it (Vogels 2009; Bailis & Ghodsi
// 2013): once writes to a key stop, every replica converges, so all reads of the key after
// quiescence return one and the same value, and that value was written (or is the initial
// nil). Quiescence for a key begins after its last write: when every write to it completed
// (an indeterminate one: when it was invoked, or when the first read that saw it
// completed).
// Eventual consistency is a liveness property, so the check assumes the history's last
// reads come after the system settled — Cohort's replication runs end with a read of every
// key after the faults heal. A key no read visits after quiescence says nothing; a
// history where no key has such a read is 'unknown'. Unlike the other models this is not
// implied by sequential or causal consistency: both allow a process to read a stale value
// forever.
//
// Fault model: none (pure computation on a prepared history).

import type { PreparedHistory } from './history.js';

export interface EventualResult {
  /** Keys read at least once after their quiescence. */
  readonly keysSettled: number;
  /** Reads after quiescence that disagree with the key's last read: each names [read, last]. */
  readonly violations: number[][];
}

export function eventualViolations(h: PreparedHistory, limit = 5): EventualResult {
  const quiet = new Map<string, number>();
  // An indeterminate write had taken effect by the time its first reader completed.
  const firstSeen = new Map<number, number>();
  for (const op of h.ops) {
    const from = h.readFrom.get(op.id);
    if (from !== undefined && from >= 0)
      firstSeen.set(
        from,
        Math.min(firstSeen.get(from) ?? Number.POSITIVE_INFINITY, op.source.returnIndex),
      );
  }
  for (const ids of h.writesByKey.values())
    for (const id of ids) {
      const s = h.ops[id]!.source;
      const end =
        s.outcome === 'ok' ? s.returnIndex : Math.max(s.callIndex, firstSeen.get(id) ?? 0);
      quiet.set(s.key ?? '', Math.max(quiet.get(s.key ?? '') ?? -1, end));
    }
  for (const s of h.unobserved)
    quiet.set(s.key ?? '', Math.max(quiet.get(s.key ?? '') ?? -1, s.callIndex));
  const finals = new Map<string, number[]>();
  for (const op of h.ops) {
    if (op.writes !== null || op.reads === null) continue;
    if (op.source.callIndex <= (quiet.get(op.key) ?? -1)) continue;
    const list = finals.get(op.key) ?? [];
    if (list.length === 0) finals.set(op.key, list);
    list.push(op.id);
  }
  const violations: number[][] = [];
  for (const reads of finals.values()) {
    const last = reads[reads.length - 1]!;
    for (const r of reads)
      if (h.ops[r]!.reads !== h.ops[last]!.reads && violations.length < limit)
        violations.push([r, last]);
  }
  // A settled value nobody wrote is out of thin air: reported by every model.
  return { keysSettled: finals.size, violations };
}
