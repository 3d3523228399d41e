// The replicated key-value state machine shared by every replication algorithm (Raft,
// Multi-Paxos, ZAB; issue 15): string keys and values, get/put/delete/compare-and-swap,
// inside the client sessions of session-machine.ts (Raft dissertation §6.3: each command
// applied once per (client, seq), sessions expiring by log time and by count). An algorithm
// whose log carries no time (Multi-Paxos, ZAB) keeps sessions forever (UNBOUNDED_SESSIONS):
// none can have expired, so the SESSION_EXPIRED rule is off.
//
// Fault model: none of its own — it is deterministic and fed only committed entries.

import { isCount } from '../../core/validate.js';
import type { KvOp, Value } from './ops.js';
import {
  type Executor,
  isSessionTuples,
  type MachineResult,
  type Outcome,
  type SessionEntry,
  type SessionLimits,
  SessionMachine,
} from './session-machine.js';

export type { SessionLimits };

export type KvResult = MachineResult<Value | null>;
export type Session = SessionEntry<Value | null>;
export type ApplyOutcome = Outcome<Value | null>;

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
  if (!data.every((pair) => isDataPair(pair, keys))) return false;
  return isSessionTuples(sessions, timeMs, (v) => v === null || typeof v === 'string');
}

/** get/put/delete/cas on the data map. */
class KvExecutor implements Executor<KvOp, Value | null> {
  constructor(readonly data: Map<string, Value>) {}

  get(key: string): Value | null {
    return this.data.get(key) ?? null;
  }

  execute(op: KvOp): KvResult {
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
}

export class KvMachine extends SessionMachine<KvOp, Value | null> {
  private readonly kv: KvExecutor;

  constructor(limits: SessionLimits) {
    const kv = new KvExecutor(new Map());
    super(limits, kv);
    this.kv = kv;
  }

  get data(): Map<string, Value> {
    return this.kv.data;
  }

  get(key: string): Value | null {
    return this.kv.get(key);
  }

  snapshot(): KvSnapshot {
    const data = [...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { data, sessions: this.sessionTuples(), timeMs: this.timeMs };
  }

  static restore(snap: KvSnapshot, limits: SessionLimits): KvMachine {
    const kv = new KvMachine(limits);
    for (const [k, v] of snap.data) kv.data.set(k, v);
    kv.restoreSessions(snap.sessions, snap.timeMs);
    return kv;
  }
}
