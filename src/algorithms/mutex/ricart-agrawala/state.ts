// A Ricart–Agrawala node's state (ricart-agrawala.ts explains the protocol). The protocol
// state — clock, request, OKs, deferred list, replica — is durable, so a restarted node
// resumes where it stopped; only the failure detector is volatile.

import type { NodeId } from '../../../core/process.js';
import type { DetectorState } from '../failure-detector.js';
import type { MutexNodeState } from '../workload.js';
import { EMPTY_FILE, type Replica } from './replica.js';

export interface Deferred {
  readonly node: NodeId;
  readonly ts: number;
}

export interface RicartAgrawalaState extends MutexNodeState {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  clock: number;
  /** Timestamp of our outstanding request (meaningful while wanting or inside). */
  ts: number;
  /** Peers that answered OK to the current request, ascending. */
  ok: NodeId[];
  deferred: Deferred[];
  /** This node's replica of the shared file (HDFS mode). */
  file: Replica;
  /** Peers that acknowledged our latest shipped version (HDFS mode), ascending. */
  shippedTo: NodeId[];
  /** Incarnations started so far: a restarted node resumes rather than starts. */
  starts: number;
  /** Volatile: the failure detector (variant fd), null otherwise. */
  detector: DetectorState | null;
}

export const RICART_AGRAWALA_DURABLE = [
  'phase',
  'inCS',
  'served',
  'clock',
  'ts',
  'ok',
  'deferred',
  'file',
  'shippedTo',
  'starts',
] as const satisfies readonly (keyof RicartAgrawalaState)[];

export function initRicartAgrawalaState(): RicartAgrawalaState {
  return {
    phase: 'idle',
    inCS: false,
    served: 0,
    clock: 0,
    ts: 0,
    ok: [],
    deferred: [],
    file: EMPTY_FILE,
    shippedTo: [],
    starts: 0,
    detector: null,
  };
}

function ascending(ids: readonly NodeId[]): boolean {
  return ids.every((id, i) => i === 0 || (ids[i - 1] as NodeId) < id);
}

/** Our own bookkeeping: phase and inCS agree, OK and ack lists are sets, deferrals unique. */
export function raConsistent(s: RicartAgrawalaState): boolean {
  const deferred = new Set(s.deferred.map((d) => `${d.node}:${d.ts}`));
  return (
    s.inCS === (s.phase === 'inside') &&
    ascending(s.ok) &&
    ascending(s.shippedTo) &&
    deferred.size === s.deferred.length
  );
}
