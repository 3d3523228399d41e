// Exact rational numbers for the allocators: a numerator and a denominator as bigints, always
// in lowest terms with a positive denominator. Fair shares are quotients (capacity left over
// divided among weights, a resource's slack divided by a consumption rate), and floats round
// them: sharing 0.3 among demands 0.1, 1 and 1, a float max-min computes (0.3 − 0.1) / 2 =
// 0.09999999999999999 for the two unsatisfied users, less than the satisfied user's 0.1 —
// the defining inequality of max-min broken — and every property (equal shares, a saturated
// resource) would hold only up to an epsilon that no test could pick honestly. With
// rationals every comparison is exact and every property is checked with equality. The cost
// is bigint arithmetic, which is fine for allocations computed per decision, not per packet.
//
// Input numbers are read as the decimal they print as (`String(2.6)` is "2.6"), which is what
// a user typing 2.6 means; decimal strings parse exactly. Sizes are bounded (digits and
// exponent) so hostile input cannot make a bigint of unbounded size.

import { assert } from '../core/assert.js';

/** The most significant digits and the largest exponent a parsed decimal may have. */
const MAX_DECIMAL_DIGITS = 40;
const MAX_DECIMAL_EXPONENT = 60;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(2).length;
}

export class Rational {
  /** BEFORE use: `den > 0` and gcd(num, den) = 1 (enforced by `of`). */
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static of(num: bigint, den = 1n): Rational {
    assert(den !== 0n, 'a rational needs a non-zero denominator');
    const sign = den < 0n ? -1n : 1n;
    const g = gcd(num, den) || 1n;
    return new Rational((sign * num) / g, (sign * den) / g);
  }

  static readonly ZERO = Rational.of(0n);
  static readonly ONE = Rational.of(1n);

  /** The decimal a finite number prints as; callers validate finiteness first. */
  static fromNumber(x: number): Rational {
    assert(Number.isFinite(x), 'validated as finite before conversion');
    const parsed = parseDecimal(String(x));
    assert(parsed !== undefined, `String() of a finite number is a decimal: ${x}`);
    return parsed;
  }

  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    assert(o.num !== 0n, 'division by zero');
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  /** −1, 0 or 1 as this is below, equal to or above `o`. */
  cmp(o: Rational): -1 | 0 | 1 {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  eq(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  lt(o: Rational): boolean {
    return this.cmp(o) < 0;
  }
  le(o: Rational): boolean {
    return this.cmp(o) <= 0;
  }
  gt(o: Rational): boolean {
    return this.cmp(o) > 0;
  }
  ge(o: Rational): boolean {
    return this.cmp(o) >= 0;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  isNegative(): boolean {
    return this.num < 0n;
  }
  isInteger(): boolean {
    return this.den === 1n;
  }
  min(o: Rational): Rational {
    return this.le(o) ? this : o;
  }
  max(o: Rational): Rational {
    return this.ge(o) ? this : o;
  }

  /** The nearest float (correctly rounded when both parts are safe integers). */
  toNumber(): number {
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    const abs = this.num < 0n ? -this.num : this.num;
    if (abs <= safe && this.den <= safe) return Number(this.num) / Number(this.den);
    // Keep about 64 significant bits of the quotient, then scale back.
    const shift = Math.max(0, 64 - (bitLength(this.num) - bitLength(this.den)));
    return Number((this.num << BigInt(shift)) / this.den) / 2 ** shift;
  }

  /** The exact decimal when there is one with at most `maxFractionDigits` digits. */
  toDecimal(maxFractionDigits = 12): string | undefined {
    let scale = 1n;
    for (let digits = 0; digits <= maxFractionDigits; digits++, scale *= 10n) {
      if ((this.num * scale) % this.den !== 0n) continue;
      const scaled = (this.num * scale) / this.den;
      const sign = scaled < 0n ? '-' : '';
      const text = (scaled < 0n ? -scaled : scaled).toString().padStart(digits + 1, '0');
      const whole = text.slice(0, text.length - digits);
      return digits === 0 ? `${sign}${whole}` : `${sign}${whole}.${text.slice(-digits)}`;
    }
    return undefined;
  }

  /** "27/10", "3", "-2/3": exact, and what JSON carries beside the float. */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }

  /** JSON.stringify would throw on a bigint: a rational serializes as its exact string. */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * A decimal such as "2.6", "-1", "1e3" or "2.5E-2" exactly; undefined when `text` is not one
 * or exceeds the size bounds. Total: never throws.
 */
export function parseDecimal(text: string): Rational | undefined {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (m === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = m;
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  const exponent = Number(exponentText) - fraction.length;
  if (digits.length > MAX_DECIMAL_DIGITS) return undefined;
  if (Math.abs(Number(exponentText)) > MAX_DECIMAL_EXPONENT) return undefined;
  const magnitude = BigInt(digits) * (sign === '-' ? -1n : 1n);
  return exponent >= 0
    ? Rational.of(magnitude * 10n ** BigInt(exponent))
    : Rational.of(magnitude, 10n ** BigInt(-exponent));
}

export function sum(values: readonly Rational[]): Rational {
  return values.reduce((a, b) => a.add(b), Rational.ZERO);
}

/** "2.7" when exact in a few digits, else "2/3 ≈ 0.6667": for tables read by people. */
export function formatRational(q: Rational, digits = 6): string {
  const exact = q.toDecimal(digits);
  if (exact !== undefined) return exact;
  const approx = Number(q.toNumber().toPrecision(4));
  return `${q} ≈ ${approx}`;
}
