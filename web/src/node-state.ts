// One node's state at a moment of a Lab run, as the state probe (state-probe.ts) answers it and
// the histories that memoize it (node-history.ts, drawings/drawn-nodes.ts) keep it. A module of
// its own so that those can name it without importing the probe (no import cycle).

import type { PendingTimer } from './drawings/timer-watch.js';

export interface NodeState {
  readonly id: number;
  readonly up: boolean;
  readonly paused: boolean;
  /** Restarts so far. */
  readonly incarnation: number;
  /** The process's state; undefined while the node is down. */
  readonly state: unknown;
  /** Its pending timers (none while down), and its local clock now (ms). */
  readonly timers: readonly PendingTimer[];
  readonly localNowMs: number;
}
