// Quorum arithmetic as tables (STYLE.md §7): majorities, the committed index of a set of
// match indices, election results, and the Byzantine and two-thirds bounds.

import { describe, expect, it } from 'vitest';
import {
  byzantineFaults,
  isMajority,
  majority,
  quorumIndex,
  twoThirdsMajority,
  voteResult,
} from './quorum.js';

describe('quorum', () => {
  it.each([
    [0, 1],
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [7, 4],
  ])('majority(%i) = %i, and exactly that many is a majority', (n, need) => {
    expect(majority(n)).toBe(need);
    expect(isMajority(need, n)).toBe(true);
    expect(isMajority(need - 1, n)).toBe(false);
  });

  it.each([
    [4, 6, true], // Weights 3,1,1,1: the heavy voter and anyone outvote the rest,
    [3, 6, false], // but the heavy voter alone does not.
    [2, 4, false], // Half is not more than half.
    [2.5, 4, true],
  ])('isMajority(%d of weight %d) = %s', (votes, total, holds) => {
    expect(isMajority(votes, total)).toBe(holds);
  });

  const match = new Map([
    [1, 9],
    [2, 7],
    [3, 7],
    [4, 2],
    [5, 1],
  ]);
  it.each([
    [[1, 2, 3, 4, 5], 7],
    [[1, 4, 5], 2],
    [[1, 2], 7],
    [[1], 9],
    [[], 0],
  ])('quorumIndex over voters %j = %i', (voters, index) => {
    expect(quorumIndex(voters, (id) => match.get(id) ?? 0)).toBe(index);
  });

  it.each([
    [[1, 2, 3], [[1, true]], 'pending'],
    [
      [1, 2, 3],
      [
        [1, true],
        [3, true],
      ],
      'won',
    ],
    [
      [1, 2, 3, 4],
      [
        [2, false],
        [3, false],
      ],
      'lost',
    ],
    [
      [1, 2, 3, 4],
      [
        [1, true],
        [2, false],
      ],
      'pending',
    ],
    [
      [1, 2, 3],
      [
        [1, true],
        [9, true],
      ],
      'pending', // A vote from outside the configuration does not count.
    ],
    [[], [], 'lost'],
  ] as const)('voteResult(%j, %j) = %s', (voters, votes, result) => {
    expect(voteResult(voters, new Map(votes))).toBe(result);
  });

  it.each([
    [1, 0, 1],
    [3, 0, 3],
    [4, 1, 3],
    [6, 1, 5],
    [7, 2, 5],
    [10, 3, 7],
  ])('n = %i tolerates f = %i Byzantine faults; two thirds of n is %i', (n, f, twoThirds) => {
    expect(byzantineFaults(n)).toBe(f);
    expect(n).toBeGreaterThanOrEqual(3 * f + 1);
    expect(twoThirdsMajority(n)).toBe(twoThirds);
  });
});
