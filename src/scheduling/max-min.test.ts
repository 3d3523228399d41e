// Max-min fairness on the classic examples (exact: 2.7 is 27/10, not 2.6999999999999997),
// weighted ones worked by hand, exact decimal input, and every kind of bad input refused
// with its typed error.

import { describe, expect, it } from 'vitest';
import { DimensionMismatchError, InvalidQuantityError, ZeroCapacityError } from './errors.js';
import { maxMinViolations } from './fairness.js';
import { maxMinFair } from './max-min.js';
import { formatRational, parseDecimal, Rational } from './rational.js';

const exact = (xs: readonly { allocation: Rational }[]) => xs.map((u) => u.allocation.toString());

describe('max-min fairness: worked examples', () => {
  it.each([
    // Capacity 10 among demands 2, 2.6, 4, 5: the two small demands are met, the other two
    // split the remaining 5.4 equally.
    [10, [2, 2.6, 4, 5], undefined, ['2', '13/5', '27/10', '27/10'], '27/10'],
    // Capacity 10 among 2, 4, 10: 2 is met, 4 and 10 would each get 4 — 4 is met exactly.
    [10, [2, 4, 10], undefined, ['2', '4', '4'], '4'],
    // Everyone asks for more than an equal share: equal shares.
    [12, [5, 6, 7], undefined, ['4', '4', '4'], '4'],
    // Total demand below capacity: every demand met, capacity left over.
    [10, [1, 2, 3], undefined, ['1', '2', '3'], null],
    // Weighted: shares 1:2:2 of 10 when nobody is demand-limited.
    [10, [8, 8, 8], [1, 2, 2], ['2', '4', '4'], '2'],
    // Weighted with a small demand: user 1 takes 1, the other 9 splits 1:2.
    [10, [1, 8, 8], [1, 1, 2], ['1', '3', '6'], '3'],
    // Weighted, where the heavy user is demand-limited: 3 met, 7 split equally.
    [10, [10, 3, 10], [1, 5, 1], ['7/2', '3', '7/2'], '7/2'],
    // A user that asks for nothing gets nothing and does not count against the others.
    [6, [0, 5, 5], undefined, ['0', '3', '3'], '3'],
  ])('capacity %s, demands %j, weights %j → %j', (capacity, demands, weights, want, level) => {
    const a = maxMinFair({ capacity, demands, ...(weights ? { weights } : {}) });
    expect(exact(a.users)).toEqual(want);
    expect(a.fairShare?.toString() ?? null).toBe(level);
    expect(maxMinViolations(a)).toEqual([]);
  });

  it('the classic example comes out exactly, with the satisfied users marked', () => {
    const a = maxMinFair({ capacity: 10, demands: [2, 2.6, 4, 5] });
    expect(a.users.map((u) => u.allocation.toDecimal())).toEqual(['2', '2.6', '2.7', '2.7']);
    expect(a.users.map((u) => u.satisfied)).toEqual([true, true, false, false]);
    expect(a.allocated.eq(Rational.of(10n))).toBe(true);
  });

  it('is exact where floats are not: 0.3 among 0.1, 1, 1 gives everyone 0.1', () => {
    const a = maxMinFair({ capacity: 0.3, demands: [0.1, 1, 1] });
    expect(a.users.map((u) => u.allocation.toDecimal())).toEqual(['0.1', '0.1', '0.1']);
    expect(maxMinViolations(a)).toEqual([]);
    // In floats the unsatisfied users would get less than the satisfied one.
    expect((0.3 - 0.1) / 2).toBeLessThan(0.1);
  });

  it('takes decimal strings and Rationals as exactly as numbers', () => {
    const third = Rational.of(1n, 3n);
    const a = maxMinFair({ capacity: '1', demands: [third, '0.5', 1] });
    expect(exact(a.users)).toEqual(['1/3', '1/3', '1/3']);
    expect(a.users.map((u) => u.satisfied)).toEqual([true, false, false]);
    expect(formatRational(a.users[1]?.allocation as Rational)).toBe('1/3 ≈ 0.3333');
  });
});

describe('max-min fairness: bad input', () => {
  it.each([
    ['a NaN demand', { capacity: 10, demands: [1, Number.NaN] }, InvalidQuantityError],
    ['an infinite demand', { capacity: 10, demands: [Infinity] }, InvalidQuantityError],
    ['a negative demand', { capacity: 10, demands: [1, -2] }, InvalidQuantityError],
    ['a malformed demand', { capacity: 10, demands: ['two'] }, InvalidQuantityError],
    ['a huge exponent', { capacity: '1e999', demands: [1] }, InvalidQuantityError],
    ['zero capacity', { capacity: 0, demands: [1] }, ZeroCapacityError],
    ['negative capacity', { capacity: -1, demands: [1] }, InvalidQuantityError],
    ['no users', { capacity: 1, demands: [] }, DimensionMismatchError],
    ['too few weights', { capacity: 1, demands: [1, 2], weights: [1] }, DimensionMismatchError],
    ['a zero weight', { capacity: 1, demands: [1, 2], weights: [1, 0] }, InvalidQuantityError],
  ])('%s is refused with its typed error', (_, input, kind) => {
    expect(() => maxMinFair(input)).toThrow(kind);
  });

  it('the error names the bad value and what is wrong with it', () => {
    expect(() => maxMinFair({ capacity: 10, demands: [1, -2] })).toThrow(
      'demand of user 2 is negative (got -2)',
    );
    const error = (() => {
      try {
        maxMinFair({ capacity: 10, demands: [1, Number.NaN] });
      } catch (e) {
        return e;
      }
    })() as InvalidQuantityError;
    expect(error.problem).toBe('not-a-number');
    expect(error.retryable).toBe(false);
  });
});

describe('exact decimals', () => {
  it.each([
    ['2.6', '13/5'],
    ['-0.25', '-1/4'],
    ['1e3', '1000'],
    ['2.5E-2', '1/40'],
    ['007', '7'],
  ])('%s is %s', (text, want) => {
    expect(parseDecimal(text)?.toString()).toBe(want);
  });

  it.each(['', '1.', '.5', '1/2', 'NaN', '0x10', '1e61', '1'.repeat(41)])(
    '%j is not a decimal we read',
    (text) => {
      expect(parseDecimal(text)).toBeUndefined();
    },
  );

  it('converts to floats and back to decimals', () => {
    expect(Rational.of(27n, 10n).toNumber()).toBe(2.7);
    expect(Rational.of(2n, 3n).toDecimal()).toBeUndefined();
    expect(Rational.of(-1n, 8n).toDecimal()).toBe('-0.125');
    expect(Rational.of(10n ** 30n + 1n, 10n ** 30n).toNumber()).toBe(1);
    expect(JSON.stringify({ x: Rational.of(1n, 3n) })).toBe('{"x":"1/3"}');
  });
});
