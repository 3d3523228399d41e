// Vector clocks (Fidge 1988, Mattern 1989). Entry i−1 counts the events of node i known to
// have happened before. Unlike Lamport clocks they characterise causality exactly:
// a → b ⇔ V(a) < V(b), and a ∥ b when neither vector dominates.

export type VectorClock = readonly number[];

export type Causality = 'before' | 'after' | 'equal' | 'concurrent';

export function vectorZero(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/** The clock after a local or send event at node `id` (1-based). */
export function vectorTick(clock: VectorClock, id: number): number[] {
  const next = clock.slice();
  next[id - 1] = (next[id - 1] ?? 0) + 1;
  return next;
}

/** The clock after node `id` receives a message stamped `received`. */
export function vectorReceive(clock: VectorClock, received: VectorClock, id: number): number[] {
  const merged = clock.map((c, i) => Math.max(c, received[i] ?? 0));
  return vectorTick(merged, id);
}

export function compareVectors(a: VectorClock, b: VectorClock): Causality {
  let less = false;
  let greater = false;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x < y) less = true;
    else if (x > y) greater = true;
  }
  if (less && greater) return 'concurrent';
  if (less) return 'before';
  if (greater) return 'after';
  return 'equal';
}

/** a happened before b. */
export function happenedBefore(a: VectorClock, b: VectorClock): boolean {
  return compareVectors(a, b) === 'before';
}
