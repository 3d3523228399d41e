// Exact integer division for the limiters' scaled arithmetic. Operands are safe integers
// below 2^51; the float quotient is corrected by at most one step, so the result is exact
// where Math.ceil(a / b) could be off by one next to an integer.

/** ⌊a / b⌋ for integers, b > 0. */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

/** ⌈a / b⌉ for integers, b > 0. */
export function ceilDiv(a: number, b: number): number {
  return -floorDiv(-a, b);
}
