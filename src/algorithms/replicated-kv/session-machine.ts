// Client sessions around any deterministic state machine (Raft dissertation §6.3): commands
// are applied in log order; each client's last sequence number and result are remembered so
// a command that reaches the log twice (the client retried through another leader) is
// applied once and answered with the cached result. A session older than the cached one is
// stale: the client has already moved on, so it gets no answer.
//
// Sessions expire identically on every replica because time comes from the log: the leader
// stamps each command entry with its clock (`atMs`), the machine's time is the largest stamp
// applied so far, and a session idle for longer than `sessionTimeoutMs` of that time is
// dropped; beyond `maxSessions`, the least recently used sessions go first. `sessions` is
// kept in least-recently-used order (a Map re-inserted on use), so both are O(1) per
// command. A command from a client without a session whose seq is above 1 may be the retry
// of one applied before its session expired: it is not applied again but answered
// SESSION_EXPIRED (the client starts a new session).
//
// The key-value machine (machine.ts) and the coordination server's MVCC store
// (src/server/) are both this class around their own `Executor`.
//
// Fault model: none of its own — deterministic and fed only committed entries; a leader's
// clock that runs ahead expires sessions early, one that runs behind keeps them longer (the
// machine's time never goes back).

import { assert } from '../../core/assert.js';
import { isCount } from '../../core/validate.js';

/** What a command did: `ok: false` is a definite, machine-level refusal (a failed CAS). */
export interface MachineResult<V = unknown> {
  readonly ok: boolean;
  readonly value: V;
}

export type Outcome<V = unknown> =
  | { readonly kind: 'applied'; readonly result: MachineResult<V> }
  | { readonly kind: 'duplicate'; readonly result: MachineResult<V> }
  | { readonly kind: 'stale' }
  /** No session and seq > 1: maybe a retry of a command applied before expiry (§6.3). */
  | { readonly kind: 'expired' };

export interface SessionEntry<V = unknown> {
  readonly seq: number;
  readonly result: MachineResult<V>;
  /** The machine's time (log time) of the session's latest command. */
  readonly lastActiveMs: number;
}

/** How many sessions live and for how long. */
export interface SessionLimits {
  readonly sessionTimeoutMs: number;
  readonly maxSessions: number;
}

/** The machine inside the sessions: applies one command, deterministically. */
export interface Executor<Op, V> {
  execute(op: Op): MachineResult<V>;
}

/** A session as snapshots list it: [client, seq, ok, value, lastActiveMs]. */
export type SessionTuple<V = unknown> = readonly [number, number, boolean, V, number];

/**
 * Whether untrusted input (a leader's InstallSnapshot) lists sessions `restoreSessions`
 * accepts: each client once, values the machine's, none active after the machine's time,
 * least recently used first (expiry stops at the first session still young enough).
 */
export function isSessionTuples(
  x: unknown,
  timeMs: number,
  isValue: (value: unknown) => boolean,
): x is SessionTuple[] {
  if (!Array.isArray(x)) return false;
  const clients = new Set<number>();
  let lastActive = 0;
  for (const t of x) {
    if (!Array.isArray(t) || t.length !== 5) return false;
    const [client, seq, ok, value, lastActiveMs] = t as unknown[];
    if (!isCount(client) || !isCount(seq) || typeof ok !== 'boolean' || !isValue(value))
      return false;
    if (!isCount(lastActiveMs) || lastActiveMs > timeMs || lastActiveMs < lastActive) return false;
    if (clients.has(client)) return false;
    clients.add(client);
    lastActive = lastActiveMs;
  }
  return true;
}

export class SessionMachine<Op, V> {
  /** Least recently used first; at most `maxSessions`. */
  readonly sessions = new Map<number, SessionEntry<V>>();
  /** The largest leader stamp applied: the machine's clock, the same on every replica. */
  timeMs = 0;
  /** Whether a session can be dropped (by time or count): only then can one have expired. */
  private readonly expires: boolean;

  constructor(
    private readonly limits: SessionLimits,
    private readonly executor: Executor<Op, V>,
  ) {
    assert(limits.maxSessions >= 1 && limits.sessionTimeoutMs >= 1, 'options are validated');
    this.expires = Number.isFinite(limits.maxSessions) || Number.isFinite(limits.sessionTimeoutMs);
  }

  /** The cached outcome of (client, seq) if the session already covers it. */
  check(client: number, seq: number): Outcome<V> | undefined {
    const session = this.sessions.get(client);
    if (session === undefined || seq > session.seq) return undefined;
    return seq === session.seq ? { kind: 'duplicate', result: session.result } : { kind: 'stale' };
  }

  /** Applies a committed command, stamped `atMs` by its leader, once per (client, seq). */
  apply(client: number, seq: number, op: Op, atMs: number): Outcome<V> {
    this.advance(atMs);
    const seen = this.check(client, seq);
    if (seen?.kind === 'duplicate') this.touch(client, seq, seen.result);
    if (seen !== undefined) return seen;
    if (this.expires && !this.sessions.has(client) && seq > 1) return { kind: 'expired' };
    const result = this.executor.execute(op);
    this.touch(client, seq, result);
    return { kind: 'applied', result };
  }

  /**
   * Records a command that is not the machine's (a configuration change) in the client's
   * session. It takes effect whatever the session says (the configuration is in force once
   * in the log), so it never answers 'expired'.
   */
  record(client: number, seq: number, result: MachineResult<V>): Outcome<V> {
    const seen = this.check(client, seq);
    if (seen !== undefined) return seen;
    this.touch(client, seq, result);
    return { kind: 'applied', result };
  }

  /** Sessions least recently used first, as snapshots keep them. */
  sessionTuples(): SessionTuple<V>[] {
    return [...this.sessions.entries()].map(
      ([c, s]) => [c, s.seq, s.result.ok, s.result.value, s.lastActiveMs] as const,
    );
  }

  /** Restores sessions and time from a snapshot (before any command is applied). */
  restoreSessions(tuples: readonly SessionTuple<V>[], timeMs: number): void {
    assert(this.sessions.size === 0 && this.timeMs === 0, 'restored into a fresh machine');
    for (const [client, seq, ok, value, lastActiveMs] of tuples) {
      assert(!this.sessions.has(client), 'a snapshot lists each session once');
      this.sessions.set(client, { seq, result: { ok, value }, lastActiveMs });
    }
    this.timeMs = timeMs;
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
  private touch(client: number, seq: number, result: MachineResult<V>): void {
    this.sessions.delete(client);
    this.sessions.set(client, { seq, result, lastActiveMs: this.timeMs });
    for (const oldest of this.sessions.keys()) {
      if (this.sessions.size <= this.limits.maxSessions) break;
      this.sessions.delete(oldest);
    }
    assert(this.sessions.has(client), 'the session just used is the newest');
  }
}
