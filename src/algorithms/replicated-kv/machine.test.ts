// The shared key-value machine beyond Raft's session tests (consensus/raft/sessions.test.ts):
// a put that answers the previous value (Multi-Paxos's), sessions that never expire, and
// the validation of operations from outside.

import { describe, expect, it } from 'vitest';
import { KvMachine, UNBOUNDED_SESSIONS } from './machine.js';
import { kvOpProblem } from './ops.js';

describe('replicated-kv machine', () => {
  it('answers a put with the previous value only when asked, also for its retry', () => {
    const kv = new KvMachine(UNBOUNDED_SESSIONS);
    expect(kv.apply(1, 1, { type: 'put', key: 'x', value: 'a' }, 0)).toEqual({
      kind: 'applied',
      result: { ok: true, value: null },
    });
    const prev = { type: 'put', key: 'x', value: 'b', returnPrevious: true } as const;
    expect(kv.apply(2, 1, prev, 0)).toEqual({ kind: 'applied', result: { ok: true, value: 'a' } });
    kv.apply(1, 2, { type: 'put', key: 'x', value: 'c' }, 0);
    // The retry reaching the log again is answered from the session, not from the map.
    expect(kv.apply(2, 1, prev, 0)).toEqual({
      kind: 'duplicate',
      result: { ok: true, value: 'a' },
    });
    expect(kv.get('x')).toBe('c');
  });

  it('keeps sessions forever without limits: no command is answered expired', () => {
    const kv = new KvMachine(UNBOUNDED_SESSIONS);
    for (let client = 1; client <= 500; client++)
      kv.apply(client, 1, { type: 'put', key: 'k', value: `${client}` }, client * 1_000_000);
    expect(kv.sessions.size).toBe(500);
    // A first command with seq > 1 is applied: no session can have expired.
    expect(kv.apply(900, 4, { type: 'get', key: 'k' }, 0)).toEqual({
      kind: 'applied',
      result: { ok: true, value: '500' },
    });
    // With limits, the same command may be the retry of one applied before expiry.
    const bounded = new KvMachine({ sessionTimeoutMs: 10, maxSessions: 10 });
    expect(bounded.apply(900, 4, { type: 'get', key: 'k' }, 0)).toEqual({ kind: 'expired' });
  });

  it('names the first problem of an operation from outside', () => {
    expect(kvOpProblem({ type: 'put', key: 'x', value: 'v' })).toBeUndefined();
    expect(
      kvOpProblem({ type: 'put', key: 'x', value: 'v', returnPrevious: true }),
    ).toBeUndefined();
    expect(kvOpProblem({ type: 'put', key: 'x', value: 'v', returnPrevious: 1 })).toBe(
      'put: "returnPrevious" must be a boolean',
    );
    expect(kvOpProblem({ type: 'get', key: 3 })).toBe('get: "key" must be a string');
    expect(kvOpProblem({ type: 'cas', key: 'x', expected: 1, value: 'v' })).toBe(
      'cas: "expected" must be a string or null',
    );
  });
});
