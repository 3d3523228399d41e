// A detect/heartbeat node's state (heartbeat.ts explains the protocol). Only `epoch` is
// durable: a restarted node forgets whom it suspected and trusts everyone again, as if it
// had just heard from them all — its detector starts afresh.

import type { NodeId } from '../../../core/process.js';
import type { MonitorState, PhiHistory } from '../../../reliability/detect/index.js';

export type DetectOutput =
  | { readonly type: 'suspect'; readonly peer: NodeId }
  | { readonly type: 'trust'; readonly peer: NodeId }
  /** This node's view of the partition changed: it and its trusted peers are `reachable`. */
  | { readonly type: 'majority'; readonly majority: boolean; readonly reachable: number };

export interface HeartbeatState {
  /** This node's incarnation, counted from 1; durable, so a restart's beats outrank old ones. */
  epoch: number;
  /** Heartbeats sent in this incarnation. */
  seq: number;
  /** Last heard and suspected peers (the detector's verdicts). */
  monitor: MonitorState;
  /** φ detector only: each peer's arrival window, by id. */
  histories: Record<string, PhiHistory>;
  /** The newest (epoch, seq) heard from each peer, by id: older or repeated beats are dropped. */
  latest: Record<string, { epoch: number; seq: number }>;
  /** Whether this node and the peers it trusts are a majority of the cluster. */
  majority: boolean;
}

export function initHeartbeatState(): HeartbeatState {
  return {
    epoch: 0,
    seq: 0,
    monitor: { lastHeardMs: {}, suspected: [] },
    histories: {},
    latest: {},
    majority: true,
  };
}
