// The replicated key-value state machine with client sessions (dissertation §6.3). Commands
// are applied in log order; each client's last sequence number and result are remembered so
// a command that reaches the log twice (the client retried through another leader) is applied
// once and answered with the cached result. A session older than the cached one is stale:
// the client has already moved on, so it gets no answer. Sessions are kept for every client
// ever seen (clients are few in Cohort's uses; expiry by log time, §6.3, is left to the
// coordination server's leases).
//
// Fault model: none of its own — it is deterministic and fed only committed entries.

import { assert } from '../../../core/assert.js';
import { isCount } from '../../../core/validate.js';
import type { KvOp, Value } from './client-api.js';

export interface KvResult {
  readonly ok: boolean;
  readonly value: Value | null;
}

export interface Session {
  readonly seq: number;
  readonly result: KvResult;
}

/** Plain data for snapshots, in sorted order so equal machines give equal snapshots. */
export interface KvSnapshot {
  readonly data: readonly (readonly [string, Value])[];
  readonly sessions: readonly (readonly [number, number, boolean, Value | null])[];
}

/**
 * Whether untrusted input (a leader's InstallSnapshot) is a well-formed snapshot: string
 * keys and values, each key and each client once (restore relies on it).
 */
export function isKvSnapshot(x: unknown): x is KvSnapshot {
  if (typeof x !== 'object' || x === null) return false;
  const { data, sessions } = x as Record<string, unknown>;
  if (!Array.isArray(data) || !Array.isArray(sessions)) return false;
  const keys = new Set<string>();
  for (const pair of data) {
    if (!Array.isArray(pair) || pair.length !== 2) return false;
    const [k, v] = pair as unknown[];
    if (typeof k !== 'string' || typeof v !== 'string' || keys.has(k)) return false;
    keys.add(k);
  }
  const clients = new Set<number>();
  for (const t of sessions) {
    if (!Array.isArray(t) || t.length !== 4) return false;
    const [client, seq, ok, value] = t as unknown[];
    if (!isCount(client) || !isCount(seq) || typeof ok !== 'boolean') return false;
    if (value !== null && typeof value !== 'string') return false;
    if (clients.has(client)) return false;
    clients.add(client);
  }
  return true;
}

export type ApplyOutcome =
  | { readonly kind: 'applied'; readonly result: KvResult }
  | { readonly kind: 'duplicate'; readonly result: KvResult }
  | { readonly kind: 'stale' };

export class KvMachine {
  readonly data = new Map<string, Value>();
  readonly sessions = new Map<number, Session>();

  get(key: string): Value | null {
    return this.data.get(key) ?? null;
  }

  /** The cached outcome of (client, seq) if the session already covers it. */
  check(client: number, seq: number): ApplyOutcome | undefined {
    const session = this.sessions.get(client);
    if (session === undefined || seq > session.seq) return undefined;
    return seq === session.seq ? { kind: 'duplicate', result: session.result } : { kind: 'stale' };
  }

  /** Applies a committed command once per (client, seq). */
  apply(client: number, seq: number, op: KvOp): ApplyOutcome {
    const seen = this.check(client, seq);
    if (seen !== undefined) return seen;
    const result = this.execute(op);
    this.sessions.set(client, { seq, result });
    return { kind: 'applied', result };
  }

  /** Records a non-KV command (a configuration change) in the client's session. */
  record(client: number, seq: number, result: KvResult): ApplyOutcome {
    const seen = this.check(client, seq);
    if (seen !== undefined) return seen;
    this.sessions.set(client, { seq, result });
    return { kind: 'applied', result };
  }

  private execute(op: KvOp): KvResult {
    switch (op.type) {
      case 'get':
        return { ok: true, value: this.get(op.key) };
      case 'put':
        this.data.set(op.key, op.value);
        return { ok: true, value: null };
      case 'delete':
        this.data.delete(op.key);
        return { ok: true, value: null };
      case 'cas': {
        const current = this.get(op.key);
        if (current !== op.expected) return { ok: false, value: current };
        this.data.set(op.key, op.value);
        return { ok: true, value: null };
      }
    }
  }

  snapshot(): KvSnapshot {
    const data = [...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sessions = [...this.sessions.entries()]
      .sort(([a], [b]) => a - b)
      .map(([c, s]) => [c, s.seq, s.result.ok, s.result.value] as const);
    return { data, sessions };
  }

  static restore(snap: KvSnapshot): KvMachine {
    const kv = new KvMachine();
    for (const [k, v] of snap.data) kv.data.set(k, v);
    for (const [client, seq, ok, value] of snap.sessions) {
      assert(!kv.sessions.has(client), 'a snapshot lists each session once');
      kv.sessions.set(client, { seq, result: { ok, value } });
    }
    return kv;
  }
}
