// The state of one node of the two-layer ring and the context its handlers share. Durable
// (declared once, saved by the kernel): the phase, the served count, both tokens with any
// hand-off in progress, and the lap flag.

import type { Env, NodeId } from '../../../core/process.js';
import type { HandoffIo, HandoffState } from '../token-ring/handoff.js';
import type { MutexNodeState, MutexOutput } from '../workload.js';
import { isCoordinator, type Layout, lanOf } from './layout.js';
import type { LayerToken, TwoLayerMessage } from './messages.js';
import type { TwoLayerConfig, TwoLayerOptions } from './options.js';

export interface TwoLayerState extends MutexNodeState {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  readonly lan: number;
  readonly coordinator: boolean;
  /** This LAN's token (durable). At rest at the coordinator between laps. */
  readonly local: HandoffState<LayerToken>;
  /** The coordinators' token (durable); only coordinators ever hold it. */
  readonly global: HandoffState<LayerToken>;
  /** Coordinator: the global token opened a lap and the local token is not back yet. */
  lapOpen: boolean;
  /** Coordinator: every LAN is done, the global token rests here. */
  parked: boolean;
}

export const TWO_LAYER_DURABLE = [
  'phase',
  'served',
  'local',
  'global',
  'lapOpen',
] as const satisfies readonly (keyof TwoLayerState)[];

export function initTwoLayerState({ layout }: TwoLayerConfig, id: NodeId): TwoLayerState {
  const coordinator = isCoordinator(layout, id);
  const fresh = { gen: 0, hop: 0, done: [] };
  return {
    phase: 'idle',
    inCS: false,
    served: 0,
    lan: lanOf(layout, id),
    coordinator,
    // Each coordinator starts with its LAN's token; node 1 also with the global token.
    local: { token: coordinator ? fresh : null, handoff: null, seen: { gen: 0, hop: 0 } },
    global: { token: id === 1 ? fresh : null, handoff: null, seen: { gen: 0, hop: 0 } },
    lapOpen: false,
    parked: false,
  };
}

export type E = Env<TwoLayerMessage, MutexOutput>;

export interface Ctx {
  readonly s: TwoLayerState;
  readonly env: E;
  readonly opts: TwoLayerOptions;
  readonly layout: Layout;
  readonly localIo: HandoffIo<LayerToken>;
  readonly globalIo: HandoffIo<LayerToken>;
}

export function isDone(c: Ctx): boolean {
  return c.s.served >= c.opts.requests;
}

/** Holding the token of this layer and not handing it off. */
export function holds(h: HandoffState<LayerToken>): boolean {
  return h.token !== null && h.handoff === null;
}

/**
 * Our own bookkeeping: phase and inCS agree, a node inside holds its LAN's token, a hand-off
 * is of a token we hold, only a coordinator holds the global token or opens a lap, and
 * nobody is served more than it asks.
 */
export function twoLayerConsistent(s: TwoLayerState, requests: number): boolean {
  return (
    s.inCS === (s.phase === 'inside') &&
    (s.phase !== 'inside' || holds(s.local)) &&
    (s.local.handoff === null || s.local.token !== null) &&
    (s.global.handoff === null || s.global.token !== null) &&
    (s.coordinator || (s.global.token === null && !s.lapOpen)) &&
    s.served <= requests
  );
}
