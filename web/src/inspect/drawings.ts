// Stage drawings: for each algorithm, what its nodes' states look like on the stage —
// declared here beside the inspector fields (fields.ts), by the same family modules, and
// read from the same replayed state. `rings` names the timers worth a ring, most telling
// first (Raft's election timeout, then a leader's heartbeat); an algorithm that names none
// gets a ring for whichever of its timers is due next.

import { chainDrawing } from './chain.js';
import { clockDrawing } from './clock.js';
import {
  centralizedDrawing,
  holderDrawing,
  maekawaDrawing,
  tokenDrawing,
  twoLayerDrawing,
} from './mutex.js';
import { multiPaxosDrawing, paxosDrawing } from './paxos.js';
import { raftDrawing, raftElectionDrawing } from './raft.js';
import type { NodeDrawing, NodeDrawings } from './types.js';

interface Declared {
  readonly draw?: NodeDrawings;
  readonly rings?: readonly string[];
}

const RAFT_RINGS = ['election', 'heartbeat'];

const DRAWN: Readonly<Record<string, Declared>> = {
  'consensus/raft': { draw: raftDrawing, rings: RAFT_RINGS },
  'election/raft': { draw: raftElectionDrawing, rings: RAFT_RINGS },
  'election/bully': { rings: ['watch', 'answer', 'beat'] },
  'clock/lamport': { draw: clockDrawing },
  'clock/vector': { draw: clockDrawing },
  'consensus/paxos': { draw: paxosDrawing },
  'consensus/multi-paxos': { draw: multiPaxosDrawing },
  'mutex/token-ring': { draw: tokenDrawing },
  'mutex/suzuki-kasami': { draw: tokenDrawing },
  'mutex/two-layer-token-ring': { draw: twoLayerDrawing },
  'mutex/centralized': { draw: centralizedDrawing },
  'mutex/maekawa': { draw: maekawaDrawing },
  'mutex/ricart-agrawala': { draw: holderDrawing },
  'chain/pow': { draw: chainDrawing },
  'chain/pos': { draw: chainDrawing },
  'chain/dpos': { draw: chainDrawing },
};

/** The algorithm's drawing of this state, or undefined when it declares none. */
export function nodeDrawingOf(algorithm: string, state: unknown): NodeDrawing | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  return DRAWN[algorithm]?.draw?.(state);
}

/** The timers worth a ring, in order; undefined: the one due next, whatever its name. */
export const ringTimersOf = (algorithm: string): readonly string[] | undefined =>
  DRAWN[algorithm]?.rings;

/** The algorithms with a declared drawing (the test checks they recognise their states). */
export const drawnAlgorithms = (): readonly string[] =>
  Object.keys(DRAWN).filter((name) => DRAWN[name]?.draw !== undefined);
