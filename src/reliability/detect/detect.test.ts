// The fixed-timeout detector's bookkeeping (monitor.ts) and partition detection: a peer is
// suspected once its silence reaches the timeout, trusted again the moment it speaks, and a
// node is on a majority side iff it and the peers it trusts are more than half the cluster.

import { describe, expect, it } from 'vitest';
import { suspectSilent } from './fixed-timeout.js';
import { freshMonitor, heardFrom } from './monitor.js';
import { partitionView } from './partition.js';

describe('fixed timeout', () => {
  it('suspects a peer silent for the timeout, once, and trusts it when it speaks', () => {
    const d = freshMonitor([2, 3, 4], 0);
    heardFrom(d, 3, 150);
    expect(suspectSilent(d, [2, 3, 4], 199, 200)).toEqual([]);
    expect(suspectSilent(d, [2, 3, 4], 200, 200)).toEqual([2, 4]);
    expect(suspectSilent(d, [2, 3, 4], 300, 200)).toEqual([]); // Already suspected.
    expect(d.suspected).toEqual([2, 4]);
    expect(suspectSilent(d, [2, 3, 4], 350, 200)).toEqual([3]);
    expect(d.suspected).toEqual([2, 3, 4]);
    expect(heardFrom(d, 3, 360)).toBe(true);
    expect(heardFrom(d, 3, 370)).toBe(false);
    expect(d.suspected).toEqual([2, 4]);
  });
});

describe('partition detection', () => {
  it.each([
    [[1, 2, 3, 4, 5], 1, [], [1, 2, 3, 4, 5], true],
    [[1, 2, 3, 4, 5], 1, [4, 5], [1, 2, 3], true],
    [[1, 2, 3, 4, 5], 4, [1, 2, 3], [4, 5], false],
    [[1, 2, 3, 4], 1, [3, 4], [1, 2], false], // Half is not a majority.
    [[1], 1, [], [1], true],
  ])('nodes %j, self %i, suspecting %j: reaches %j, majority %s', (nodes, self, sus, r, m) => {
    expect(partitionView(nodes, self, sus)).toEqual({ reachable: r, majority: m });
  });
});
