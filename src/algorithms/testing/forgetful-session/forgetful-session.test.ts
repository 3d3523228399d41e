// testing/forgetful-session: the bug it carries — a TypeError thrown inside a handler after
// node 1 restarts — comes out of a run as a failed check named `exception`, with the event
// it was thrown at, never as a throw; without a restart its clients are served.

import { describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/run.js';
import { forgetfulSession } from './index.js';

describe('testing/forgetful-session', () => {
  it('serves its clients when node 1 never restarts', () => {
    const { result } = simulate(forgetfulSession, {
      faults: 'crash 2 @100; restart 2 @400; drop 0.2 @0..1500; dup 0.2 @0..1500',
    });
    expect(result.ok).toBe(true);
    expect(result.invariants).toEqual([]);
  });

  it('a restart of node 1 makes the run fail with the exception, not throw', () => {
    const { result, sim } = simulate(forgetfulSession, {
      faults: 'crash 1 @150; restart 1 @151',
      trace: 'full',
    });
    expect(result.ok).toBe(false);
    const failed = result.invariants.filter((c) => !c.holds);
    expect(failed.map((c) => c.name)).toEqual(['exception']);
    expect(failed[0]?.violation).toMatch(
      /^TypeError: Cannot read properties of undefined \(reading 'served'\) \(at event \d+, [\d.]+ ms\)$/,
    );
    // The run stopped at that event: the trace ends with the violation, at a time after the
    // restart, and liveness is not judged.
    const last = sim.trace.records.at(-1);
    expect(last).toMatchObject({ ev: 'violation', check: 'exception' });
    expect(last?.t).toBeGreaterThan(151);
    expect(failed[0]?.violation).toContain(
      `(at event ${result.events}, ${result.virtualTimeMs} ms)`,
    );
    expect(result.liveness.map((c) => c.violation)).toEqual([
      'not judged: the run stopped at a safety violation',
    ]);
  });
});
