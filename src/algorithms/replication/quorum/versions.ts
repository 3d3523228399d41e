// Vector-clock versions and siblings (Dynamo, DeCandia et al. SOSP 2007 §4.4): every value
// a replica keeps carries a vector clock; a version whose clock is dominated by another's
// is obsolete and dropped, versions whose clocks are concurrent are kept side by side as
// siblings until a client reads them all and writes back one value whose context covers
// them. Clocks are arrays of [node, counter] sorted by node, so states print and encode
// the same on every host.
//
// Fault model: clocks arrive from peers; messages.ts validates their shape (sorted, positive
// counters) before these functions see them.

export type Clock = readonly (readonly [node: number, counter: number])[];

export interface Version {
  readonly value: string;
  readonly clock: Clock;
}

/** The counter of `node` in `c` (0 when absent). */
export function counterOf(c: Clock, node: number): number {
  for (const [n, k] of c) if (n === node) return k;
  return 0;
}

/** Whether every counter of `a` is ≤ the same counter of `b` (a happened before or is b). */
export function descends(b: Clock, a: Clock): boolean {
  return a.every(([n, k]) => counterOf(b, n) >= k);
}

/** The least clock above both (entry-wise max), sorted. */
export function joinClocks(a: Clock, b: Clock): Clock {
  const m = new Map<number, number>();
  for (const [n, k] of [...a, ...b]) m.set(n, Math.max(m.get(n) ?? 0, k));
  return [...m.entries()].sort((x, y) => x[0] - y[0]);
}

/** `c` with `node`'s counter set to `counter`. */
export function withCounter(c: Clock, node: number, counter: number): Clock {
  return joinClocks(
    c.filter(([n]) => n !== node),
    [[node, counter]],
  );
}

function sameClock(a: Clock, b: Clock): boolean {
  return descends(a, b) && descends(b, a);
}

/**
 * `siblings` with `v` added: versions `v` descends from are dropped, and `v` is dropped if
 * one of them descends from it (it is obsolete, or already there). Sorted by value, so two
 * replicas that merged the same versions hold equal arrays.
 */
export function mergeVersion(siblings: readonly Version[], v: Version): Version[] {
  if (siblings.some((s) => descends(s.clock, v.clock))) return [...siblings];
  const kept = siblings.filter((s) => !descends(v.clock, s.clock));
  return [...kept, v].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

export function mergeSiblings(a: readonly Version[], b: readonly Version[]): Version[] {
  return b.reduce(mergeVersion, [...a]);
}

/** Whether two sibling sets hold the same versions. */
export function sameSiblings(a: readonly Version[], b: readonly Version[]): boolean {
  return (
    a.length === b.length &&
    a.every((x) => b.some((y) => x.value === y.value && sameClock(x.clock, y.clock)))
  );
}

/** The context a client writes back with: the join of every sibling's clock. */
export function contextOf(siblings: readonly Version[]): Clock {
  return siblings.reduce<Clock>((c, s) => joinClocks(c, s.clock), []);
}

/**
 * The one value a client reports for a read of `siblings` (null when there are none): the
 * sibling with the largest clock sum, ties to the largest value — deterministic, so every
 * client resolves the same siblings alike (the application's merge, Dynamo §4.4).
 */
export function resolve(siblings: readonly Version[]): string | null {
  let best: Version | undefined;
  let bestSum = -1;
  for (const s of siblings) {
    const sum = s.clock.reduce((t, [, k]) => t + k, 0);
    if (sum > bestSum || (sum === bestSum && best !== undefined && s.value > best.value)) {
      best = s;
      bestSum = sum;
    }
  }
  return best?.value ?? null;
}
