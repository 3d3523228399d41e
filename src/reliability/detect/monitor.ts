// Which peers a node currently suspects, for any failure detector: the time each peer was
// last heard from and the suspected set. A detector decides *when* a silent peer is late
// (fixed-timeout.ts: a constant timeout; phi-accrual.ts: when φ crosses a threshold); this
// module keeps the bookkeeping both share — hearing from a suspected peer trusts it again,
// a late peer becomes suspected once, and the suspected list stays sorted. Pure: time is
// passed in, nothing is read from a clock.
//
// Fault model: the state is volatile in its users (a restarted node trusts everyone again,
// as if it had just heard from them). It records what arrived, not what is true: a lost,
// delayed or partitioned heartbeat looks exactly like a crash until the next one arrives.

import type { NodeId } from '../../core/process.js';

export interface MonitorState {
  /** Local time each peer was last heard from, by id. */
  lastHeardMs: Record<string, number>;
  /** Peers currently suspected of having crashed, ascending. */
  suspected: NodeId[];
}

/** A monitor that has just heard from every peer (at `nowMs`): nobody is suspected. */
export function freshMonitor(peers: readonly NodeId[], nowMs: number): MonitorState {
  return { lastHeardMs: Object.fromEntries(peers.map((p) => [p, nowMs])), suspected: [] };
}

/** Records that `from` spoke; returns true when this clears a suspicion (it came back). */
export function heardFrom(d: MonitorState, from: NodeId, nowMs: number): boolean {
  d.lastHeardMs[from] = nowMs;
  if (!d.suspected.includes(from)) return false;
  d.suspected = d.suspected.filter((p) => p !== from);
  return true;
}

/** Suspects every trusted peer for which `isLate` holds; returns the newly suspected ones. */
export function suspectWhere(
  d: MonitorState,
  peers: readonly NodeId[],
  isLate: (peer: NodeId) => boolean,
): NodeId[] {
  const fresh = peers.filter((p) => !d.suspected.includes(p) && isLate(p));
  if (fresh.length > 0) d.suspected = [...d.suspected, ...fresh].sort((a, b) => a - b);
  return fresh;
}
