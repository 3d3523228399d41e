import { describe, expect, it } from 'vitest';
import { compareLamport, lamportReceive, lamportTick } from './clocks/lamport.js';
import {
  type Causality,
  compareVectors,
  happenedBefore,
  type VectorClock,
  vectorReceive,
  vectorTick,
  vectorZero,
} from './clocks/vector.js';

describe('Lamport clocks', () => {
  it.each([
    [0, 1],
    [1, 2],
    [41, 42],
  ])('lamportTick(%i) = %i', (clock, expected) => {
    expect(lamportTick(clock)).toBe(expected);
  });

  it.each([
    [0, 0, 1],
    [0, 5, 6],
    [5, 0, 6],
    [5, 5, 6],
    [3, 10, 11],
    [10, 3, 11],
  ])('lamportReceive(%i, %i) = %i', (clock, received, expected) => {
    expect(lamportReceive(clock, received)).toBe(expected);
  });

  it.each([
    [{ time: 1, id: 1 }, { time: 2, id: 1 }, -1],
    [{ time: 2, id: 1 }, { time: 1, id: 1 }, 1],
    [{ time: 3, id: 1 }, { time: 3, id: 2 }, -1],
    [{ time: 3, id: 2 }, { time: 3, id: 1 }, 1],
    [{ time: 3, id: 2 }, { time: 3, id: 2 }, 0],
    [{ time: 1, id: 9 }, { time: 2, id: 1 }, -1],
  ])('compareLamport(%o, %o) has sign %i', (a, b, sign) => {
    expect(Math.sign(compareLamport(a, b))).toBe(sign);
  });
});

describe('vector clocks', () => {
  it('vectorZero and vectorTick', () => {
    expect(vectorZero(3)).toEqual([0, 0, 0]);
    const zero = vectorZero(3);
    expect(vectorTick(zero, 2)).toEqual([0, 1, 0]);
    expect(zero).toEqual([0, 0, 0]); // not mutated
  });

  it.each<[VectorClock, VectorClock, Causality]>([
    [[0, 0, 0], [0, 0, 0], 'equal'],
    [[1, 2, 3], [1, 2, 3], 'equal'],
    [[1, 0, 0], [1, 1, 0], 'before'],
    [[0, 0, 0], [0, 0, 1], 'before'],
    [[2, 1, 0], [1, 1, 0], 'after'],
    [[1, 0, 0], [0, 1, 0], 'concurrent'],
    [[2, 0, 5], [1, 3, 5], 'concurrent'],
    [[1, 0], [1, 0, 0], 'equal'],
    [[1], [1, 0, 1], 'before'],
  ])('compareVectors(%j, %j) = %s', (a, b, expected) => {
    expect(compareVectors(a, b)).toBe(expected);
  });

  it.each<[VectorClock, VectorClock, number, number[]]>([
    [[0, 0, 0], [0, 0, 0], 1, [1, 0, 0]],
    [[1, 0, 0], [0, 2, 0], 1, [2, 2, 0]],
    [[3, 1, 0], [1, 4, 2], 3, [3, 4, 3]],
    [[0, 5, 0], [0, 7, 0], 2, [0, 8, 0]],
  ])('vectorReceive(%j, %j, node %i) = %j', (clock, received, id, expected) => {
    expect(vectorReceive(clock, received, id)).toEqual(expected);
  });

  it.each<[VectorClock, VectorClock, boolean]>([
    [[1, 0, 0], [1, 1, 0], true],
    [[1, 1, 0], [1, 0, 0], false],
    [[1, 0, 0], [0, 1, 0], false],
    [[1, 1, 1], [1, 1, 1], false],
  ])('happenedBefore(%j, %j) = %s', (a, b, expected) => {
    expect(happenedBefore(a, b)).toBe(expected);
  });

  it('a send happens before its receive', () => {
    const sent = vectorTick(vectorZero(2), 1);
    const received = vectorReceive(vectorZero(2), sent, 2);
    expect(happenedBefore(sent, received)).toBe(true);
    expect(compareVectors(received, sent)).toBe('after');
  });
});
