// The state of one node of the two-layer ring and the context its handlers share.

import type { Env } from '../../../core/process.js';
import type { HandoffIo, HandoffState } from '../token-ring/handoff.js';
import type { MutexNodeState, MutexOptions, MutexOutput } from '../workload.js';
import type { Layout } from './layout.js';
import type { LayerToken, TwoLayerMessage } from './messages.js';

export interface TwoLayerOptions extends MutexOptions {
  readonly lans: number;
  readonly perLan: number;
  readonly passDelayMs: number;
}

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

export const DURABLE_KEY = 'node';

export type DurableState = Pick<TwoLayerState, 'phase' | 'served' | 'local' | 'global' | 'lapOpen'>;

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

export function save(c: Ctx): void {
  const { phase, served, local, global, lapOpen } = c.s;
  const durable: DurableState = { phase, served, local, global, lapOpen };
  c.env.storage.set(DURABLE_KEY, durable);
}

/** Holding the token of this layer and not handing it off. */
export function holds(h: HandoffState<LayerToken>): boolean {
  return h.token !== null && h.handoff === null;
}
