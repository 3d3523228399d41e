// Lamport's logical clock ("Time, Clocks, and the Ordering of Events in a Distributed
// System", 1978). IR1: tick between any two events of a process. IR2: a receiver sets its
// clock past the message's timestamp. Together: a → b ⇒ C(a) < C(b).

/** Timestamp for a local or send event: the clock after ticking. */
export function lamportTick(clock: number): number {
  return clock + 1;
}

/** Timestamp for a receive event of a message stamped `received`. */
export function lamportReceive(clock: number, received: number): number {
  return Math.max(clock, received) + 1;
}

/** Total order on (timestamp, node id): ties between concurrent events broken by id. */
export function compareLamport(
  a: { readonly time: number; readonly id: number },
  b: { readonly time: number; readonly id: number },
): number {
  return a.time - b.time || a.id - b.id;
}
