import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { maxId } from './index.js';

describe('election/max-id', () => {
  it.each([3, 5, 9])('elects the largest id with n(n−1) messages (n=%i)', (n) => {
    const { result } = simulate(maxId, { nodes: n });
    expect(result.ok).toBe(true);
    expect(result.metrics.leader).toBe(n);
    expect(result.messages.sent).toBe(n * (n - 1));
  });

  // Note 004 warns the algorithm ignores failures: an absent node lets a smaller id win.
  it('lets a smaller id win while the largest is absent, then has two leaders', () => {
    const { result } = simulate(maxId, { faults: 'isolate 5 @0..800' });
    const followOne = result.liveness.find(
      (c) => c.name === 'every live node follows one live leader',
    );
    expect(followOne?.holds).toBe(false);
    expect(result.metrics.maxConcurrentLeaders).toBe(2);
  });

  it('agrees on the largest id under the faults its model admits', () => {
    expect(fuzz(maxId, { runs: 1000, seed: 51 }).failures).toEqual([]);
  });
});
