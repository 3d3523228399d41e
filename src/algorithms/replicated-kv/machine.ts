// The replicated key-value state machine with client sessions (Raft dissertation §6.3),
// shared by every replication algorithm (Raft, Multi-Paxos; issue 15). Commands are applied
// in log order; each client's last sequence number and result are remembered so a command
// that reaches the log twice (the client retried through another leader) is applied once and
// answered with the cached result. A session older than the cached one is stale: the client
// has already moved on, so it gets no answer.
//
// Sessions expire (§6.3), identically on every replica because time comes from the log: the
// leader stamps each command entry with its clock (`atMs`), the machine's time is the
// largest stamp applied so far, and a session idle for longer than `sessionTimeoutMs` of
// that time is dropped; beyond `maxSessions`, the least recently used sessions go first.
// `sessions` is kept in least-recently-used order (a Map re-inserted on use), so both are
// O(1) per command; equal stamps are ordered by log position, which every replica shares,
// and snapshots keep that order. A command from a client without a session whose seq is
// above 1 may be the retry of one applied before the session expired: it is not applied
// again but answered SESSION_EXPIRED (the client starts a new session, raft/client.ts).
// An algorithm whose log carries no time (Multi-Paxos) keeps sessions forever
// (UNBOUNDED_SESSIONS): none can have expired, so that rule is off.
//
// Fault model: none of its own — it is deterministic and fed only committed entries; a
// leader's clock that runs ahead expires sessions early (the client starts again), one that
// runs behind keeps them longer (the machine's time never goes back).

import { assert } from '../../core/assert.js';
import { isCount } from '../../core/validate.js';
import type { KvOp, Value } from './ops.js';

export interface KvResult {
  readonly ok: boolean;
  readonly value: Value | null;
}

export interface Session {
  readonly seq: number;
  readonly result: KvResult;
  /** The machine's time (log time) of the session's latest command. */
  readonly lastActiveMs: number;
}

/** How many sessions live and for how long (options `maxSessions`, `sessionTimeoutMs`). */
export interface SessionLimits {
  readonly sessionTimeoutMs: number;
  readonly maxSessions: number;
}

/** Sessions that never expire, for a log without time (Multi-Paxos). */
export const UNBOUNDED_SESSIONS: SessionLimits = {
  sessionTimeoutMs: Number.POSITIVE_INFINITY,
  maxSessions: Number.POSITIVE_INFINITY,
};

/**
 * Plain data for snapshots: keys sorted, sessions least recently used first (as `sessions`
 * orders them), so machines that applied the same log give equal snapshots.
 */
export interface KvSnapshot {
  readonly data: readonly (readonly [string, Value])[];
  /** [client, seq, ok, value, lastActiveMs] */
  readonly sessions: readonly (readonly [number, number, boolean, Value | null, number])[];
  /** The largest leader stamp applied (log time). */
  readonly timeMs: number;
}

export const EMPTY_KV_SNAPSHOT: KvSnapshot = { data: [], sessions: [], timeMs: 0 };

function isDataPair(pair: unknown, keys: Set<string>): boolean {
  if (!Array.isArray(pair) || pair.length !== 2) return false;
  const [k, v] = pair as unknown[];
  if (typeof k !== 'string' || typeof v !== 'string' || keys.has(k)) return false;
  keys.add(k);
  return true;
}

function isSessionTuple(t: unknown, clients: Set<number>, timeMs: number): boolean {
  if (!Array.isArray(t) || t.length !== 5) return false;
  const [client, seq, ok, value, lastActiveMs] = t as unknown[];
  if (!isCount(client) || !isCount(seq) || typeof ok !== 'boolean') return false;
  if (value !== null && typeof value !== 'string') return false;
  if (!isCount(lastActiveMs) || lastActiveMs > timeMs || clients.has(client)) return false;
  clients.add(client);
  return true;
}

/**
 * Whether untrusted input (a leader's InstallSnapshot) is a well-formed snapshot: string
 * keys and values, each key and each client once, no session active after the machine's
 * time (restore relies on all of it).
 */
export function isKvSnapshot(x: unknown): x is KvSnapshot {
  if (typeof x !== 'object' || x === null) return false;
  const { data, sessions, timeMs } = x as Record<string, unknown>;
  if (!Array.isArray(data) || !Array.isArray(sessions) || !isCount(timeMs)) return false;
  const keys = new Set<string>();
  const clients = new Set<number>();
  if (!data.every((pair) => isDataPair(pair, keys))) return false;
  if (!sessions.every((t) => isSessionTuple(t, clients, timeMs))) return false;
  // Least recently used first: expiry stops at the first session still young enough.
  const active = sessions.map((t) => (t as number[])[4] as number);
  return active.every((ms, i) => i === 0 || ms >= (active[i - 1] as number));
}

export type ApplyOutcome =
  | { readonly kind: 'applied'; readonly result: KvResult }
  | { readonly kind: 'duplicate'; readonly result: KvResult }
  | { readonly kind: 'stale' }
  /** No session and seq > 1: maybe a retry of a command applied before expiry (§6.3). */
  | { readonly kind: 'expired' };

export class KvMachine {
  readonly data = new Map<string, Value>();
  /** Least recently used first; at most `maxSessions`. */
  readonly sessions = new Map<number, Session>();
  /** The largest leader stamp applied: the machine's clock, the same on every replica. */
  timeMs = 0;

  /** Whether a session can be dropped (by time or count): only then can one have expired. */
  private readonly expires: boolean;

  constructor(private readonly limits: SessionLimits) {
    assert(limits.maxSessions >= 1 && limits.sessionTimeoutMs >= 1, 'options are validated');
    this.expires = Number.isFinite(limits.maxSessions) || Number.isFinite(limits.sessionTimeoutMs);
  }

  get(key: string): Value | null {
    return this.data.get(key) ?? null;
  }

  /** The cached outcome of (client, seq) if the session already covers it. */
  check(client: number, seq: number): ApplyOutcome | undefined {
    const session = this.sessions.get(client);
    if (session === undefined || seq > session.seq) return undefined;
    return seq === session.seq ? { kind: 'duplicate', result: session.result } : { kind: 'stale' };
  }

  /** Applies a committed command, stamped `atMs` by its leader, once per (client, seq). */
  apply(client: number, seq: number, op: KvOp, atMs: number): ApplyOutcome {
    this.advance(atMs);
    const seen = this.check(client, seq);
    if (seen?.kind === 'duplicate') this.touch(client, seq, seen.result);
    if (seen !== undefined) return seen;
    if (this.expires && !this.sessions.has(client) && seq > 1) return { kind: 'expired' };
    const result = this.execute(op);
    this.touch(client, seq, result);
    return { kind: 'applied', result };
  }

  /**
   * Records a non-KV command (a configuration change) in the client's session. It takes
   * effect whatever the session says (the configuration is in force once in the log), so
   * it never answers 'expired'.
   */
  record(client: number, seq: number, result: KvResult): ApplyOutcome {
    const seen = this.check(client, seq);
    if (seen !== undefined) return seen;
    this.touch(client, seq, result);
    return { kind: 'applied', result };
  }

  /** Moves the clock to `atMs` (never back) and drops sessions idle for too long. */
  private advance(atMs: number): void {
    this.timeMs = Math.max(this.timeMs, atMs);
    for (const [client, session] of this.sessions) {
      if (this.timeMs - session.lastActiveMs <= this.limits.sessionTimeoutMs) break;
      this.sessions.delete(client);
    }
  }

  /** The session is used now: it becomes the most recently used; the least used overflow. */
  private touch(client: number, seq: number, result: KvResult): void {
    this.sessions.delete(client);
    this.sessions.set(client, { seq, result, lastActiveMs: this.timeMs });
    for (const oldest of this.sessions.keys()) {
      if (this.sessions.size <= this.limits.maxSessions) break;
      this.sessions.delete(oldest);
    }
    assert(this.sessions.has(client), 'the session just used is the newest');
  }

  private execute(op: KvOp): KvResult {
    switch (op.type) {
      case 'get':
        return { ok: true, value: this.get(op.key) };
      case 'put': {
        const previous = op.returnPrevious === true ? this.get(op.key) : null;
        this.data.set(op.key, op.value);
        return { ok: true, value: previous };
      }
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
    const sessions = [...this.sessions.entries()].map(
      ([c, s]) => [c, s.seq, s.result.ok, s.result.value, s.lastActiveMs] as const,
    );
    return { data, sessions, timeMs: this.timeMs };
  }

  static restore(snap: KvSnapshot, limits: SessionLimits): KvMachine {
    const kv = new KvMachine(limits);
    for (const [k, v] of snap.data) kv.data.set(k, v);
    for (const [client, seq, ok, value, lastActiveMs] of snap.sessions) {
      assert(!kv.sessions.has(client), 'a snapshot lists each session once');
      kv.sessions.set(client, { seq, result: { ok, value }, lastActiveMs });
    }
    kv.timeMs = snap.timeMs;
    return kv;
  }
}
