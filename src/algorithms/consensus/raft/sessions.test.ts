// Client sessions of the replicated key-value machine (dissertation §6.3; issue 14 item 10:
// twenty thousand client ids kept twenty thousand sessions forever). Sessions are applied
// exactly once per (client, seq), expire by log time and by count the same way on every
// replica (also across a snapshot), and a command whose session is gone is answered
// SESSION_EXPIRED instead of being applied; simulated clients then start a new session.

import { describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/run.js';
import { isKvSnapshot, KvMachine, type SessionLimits } from '../../replicated-kv/machine.js';
import { SESSION_STRIDE } from './client.js';
import type { KvOp } from './client-api.js';
import { raft } from './index.js';
import type { RaftOutput } from './messages.js';
import { defaultRaftOptions } from './options.js';

const put = (value: string): KvOp => ({ type: 'put', key: 'x', value });
const clients = (kv: KvMachine) => [...kv.sessions.keys()];

describe('consensus/raft sessions', () => {
  it('applies a retried command once and answers it from the session', () => {
    const kv = new KvMachine(defaultRaftOptions);
    expect(kv.apply(6, 1, put('a'), 0)).toEqual({
      kind: 'applied',
      result: { ok: true, value: null },
    });
    expect(kv.apply(7, 1, put('b'), 0).kind).toBe('applied');
    expect(kv.apply(6, 1, put('a'), 0).kind).toBe('duplicate');
    expect(kv.get('x')).toBe('b');
    kv.apply(6, 2, { type: 'cas', key: 'x', expected: 'b', value: 'c' }, 0);
    expect(kv.apply(6, 1, put('a'), 0).kind).toBe('stale');
    expect(KvMachine.restore(kv.snapshot(), defaultRaftOptions).snapshot()).toEqual(kv.snapshot());
  });

  it('expires a session idle longer than the timeout, in log time', () => {
    const kv = new KvMachine({ sessionTimeoutMs: 100, maxSessions: 10 });
    kv.apply(1, 1, put('a'), 1_000);
    kv.apply(2, 1, put('b'), 1_050);
    // An older stamp (a new leader whose clock is behind) does not move time back.
    kv.apply(3, 1, put('c'), 900);
    expect(kv.timeMs).toBe(1_050);
    kv.apply(3, 2, put('d'), 1_150);
    expect(clients(kv)).toEqual([2, 3]); // 1 was idle 150 ms; 2 exactly 100 ms: kept.
    // Client 1's next command may retry one applied before expiry: not applied again.
    expect(kv.apply(1, 2, put('e'), 1_150)).toEqual({ kind: 'expired' });
    expect(kv.get('x')).toBe('d');
    expect(clients(kv)).toEqual([2, 3]);
    // A new session starts at seq 1.
    expect(kv.apply(1, 1, put('f'), 1_150).kind).toBe('applied');
    expect(clients(kv)).toEqual([2, 3, 1]);
  });

  it('evicts the least recently used sessions beyond maxSessions; a duplicate counts as use', () => {
    const kv = new KvMachine({ sessionTimeoutMs: 1_000_000, maxSessions: 3 });
    for (const c of [5, 3, 9]) kv.apply(c, 1, put(`${c}`), 0);
    kv.apply(5, 1, put('5'), 0); // A retry reaching the log again: 5 is used now.
    kv.apply(4, 1, put('4'), 0);
    expect(clients(kv)).toEqual([9, 5, 4]);
    expect(kv.apply(3, 2, put('3'), 0)).toEqual({ kind: 'expired' });
  });

  it('keeps 20,000 client ids within maxSessions, and its snapshot with them', () => {
    const kv = new KvMachine(defaultRaftOptions);
    for (let c = 1; c <= 20_000; c++) kv.apply(c, 1, put(`${c}`), c);
    expect(kv.sessions.size).toBe(defaultRaftOptions.maxSessions);
    expect(clients(kv)[0]).toBe(20_001 - defaultRaftOptions.maxSessions);
    expect(kv.snapshot().sessions).toHaveLength(defaultRaftOptions.maxSessions);
  });

  it('expires the same sessions on a replica restored from a snapshot as on one that was not', () => {
    const limits: SessionLimits = { sessionTimeoutMs: 50, maxSessions: 4 };
    const log = Array.from({ length: 60 }, (_, i) => ({
      client: (i * 7) % 9,
      seq: 1 + Math.floor(i / 9),
      at: i * 10,
    }));
    const whole = new KvMachine(limits);
    let restored = new KvMachine(limits);
    const outcomes: [string, string][] = [];
    for (const [i, e] of log.entries()) {
      if (i === 30) {
        const snap = JSON.parse(JSON.stringify(restored.snapshot())) as unknown;
        expect(isKvSnapshot(snap)).toBe(true);
        restored = KvMachine.restore(snap as never, limits);
      }
      const a = whole.apply(e.client, e.seq, put(`${i}`), e.at).kind;
      const b = restored.apply(e.client, e.seq, put(`${i}`), e.at).kind;
      outcomes.push([a, b]);
    }
    expect(outcomes.every(([a, b]) => a === b)).toBe(true);
    expect(outcomes.some(([a]) => a === 'expired')).toBe(true);
    expect(restored.snapshot()).toEqual(whole.snapshot());
  });

  it('refuses malformed snapshots of sessions', () => {
    const ok = { data: [['x', 'v']], sessions: [[1, 2, true, null, 5]], timeMs: 9 };
    expect(isKvSnapshot(ok)).toBe(true);
    expect(isKvSnapshot({ ...ok, timeMs: -1 })).toBe(false);
    expect(isKvSnapshot({ ...ok, sessions: [[1, 2, true, null]] })).toBe(false);
    expect(isKvSnapshot({ ...ok, sessions: [[1, 2, true, null, 10]] })).toBe(false);
    const twice = [
      [1, 2, true, null, 5],
      [1, 3, true, null, 6],
    ];
    expect(isKvSnapshot({ ...ok, sessions: twice })).toBe(false);
    const unordered = [
      [1, 2, true, null, 6],
      [2, 3, true, null, 5],
    ];
    expect(isKvSnapshot({ ...ok, sessions: unordered })).toBe(false);
  });

  // Three clients share two sessions and a session lives 30 ms of log time: clients are
  // told their session expired, start new ones, and every operation still completes with a
  // linearizable history and no lost acknowledged write.
  it('simulated clients start new sessions when theirs expire, and stay linearizable', () => {
    const { result, sim } = simulate(raft, {
      seed: 4,
      faults: 'crash 2 @600; restart 2 @900',
      options: { configChanges: false, maxSessions: 2, sessionTimeoutMs: 30, requests: 30 },
    });
    expect(result.invariants.filter((c) => !c.holds)).toEqual([]);
    expect(result.liveness.filter((c) => !c.holds)).toEqual([]);
    expect(result.metrics).toMatchObject({ linearizable: true, lostAcknowledgedWrites: 0 });
    const invokes = sim.outputs.flatMap((r) => {
      const out = r.output as RaftOutput;
      return out.type === 'invoke' ? [out.client] : [];
    });
    const renewed = invokes.filter((client) => client > SESSION_STRIDE);
    expect(renewed.length).toBeGreaterThan(0);
  });
});
