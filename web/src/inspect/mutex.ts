// Stage drawings of the mutual-exclusion family, read from each node's state as the kernel
// keeps it: where the token is (token ring, Suzuki–Kasami, both layers of the two-layer
// ring), the central coordinator and the node it let in, and Maekawa's quorum (the node's
// grid row and column) with the request each voter is locked for. Every node in its
// critical section is marked as the holder. A token being handed off (sent, not yet
// acknowledged) is in flight, not at its sender: it is not marked there.

import type { CentralizedState } from '../../../src/algorithms/mutex/centralized/state.js';
import type { MaekawaState } from '../../../src/algorithms/mutex/maekawa/state.js';
import type { SuzukiKasamiState } from '../../../src/algorithms/mutex/suzuki-kasami/state.js';
import type { TokenRingState } from '../../../src/algorithms/mutex/token-ring/state.js';
import {
  holds,
  type TwoLayerState,
} from '../../../src/algorithms/mutex/two-layer-token-ring/state.js';
import type { NodeDrawing, NodeMark } from './types.js';

const isObject = (s: unknown): s is Record<string, unknown> => typeof s === 'object' && s !== null;

/** The marks every mutex node shows: the holder while inside its critical section. */
const holderMarks = (s: Record<string, unknown>): NodeMark[] => (s.inCS === true ? ['holder'] : []);

/** Token ring and Suzuki–Kasami: a node holds the token while it has it and no hand-off. */
export function tokenDrawing(state: unknown): NodeDrawing | undefined {
  if (!isObject(state) || !('token' in state) || !('inCS' in state)) return undefined;
  const s = state as unknown as TokenRingState | SuzukiKasamiState;
  const held = 'handoff' in s ? holds(s) : s.token !== null;
  return { marks: [...(held ? (['token'] as const) : []), ...holderMarks(state)] };
}

/** Two layers: a LAN's token and, among coordinators, the global one. */
export function twoLayerDrawing(state: unknown): NodeDrawing | undefined {
  if (!isObject(state) || !('local' in state) || !('global' in state)) return undefined;
  const s = state as unknown as TwoLayerState;
  const marks: NodeMark[] = [];
  if (s.coordinator) marks.push('coordinator');
  if (holds(s.local) || holds(s.global)) marks.push('token');
  const layers = [holds(s.local) && 'LAN', holds(s.global) && 'global'];
  const held = layers.filter((x) => x !== false).join('+');
  return {
    marks: [...marks, ...holderMarks(state)],
    ...(held !== '' && { caption: { text: held, label: `holds the ${held} token` } }),
  };
}

/** The central coordinator (it may change under failover) and the client it let in. */
export function centralizedDrawing(state: unknown): NodeDrawing | undefined {
  if (!isObject(state) || !('role' in state) || !('book' in state)) return undefined;
  const s = state as unknown as CentralizedState;
  if (s.role !== 'coordinator') return { marks: holderMarks(state) };
  const queue = s.book.queue.map((t) => t.node);
  return {
    marks: ['coordinator', ...holderMarks(state)],
    caption: {
      text: `${s.book.holder === null ? '—' : `→${s.book.holder.node}`}${queue.length > 0 ? ` q[${queue.join(',')}]` : ''}`,
      label: `granted to ${s.book.holder?.node ?? 'nobody'}, queue ${queue.join(' ') || 'empty'}`,
    },
  };
}

/** Maekawa: its quorum (drawn while inspected) and whom its voter half is locked for. */
export function maekawaDrawing(state: unknown): NodeDrawing | undefined {
  if (!isObject(state) || !('quorum' in state) || !('lock' in state)) return undefined;
  const s = state as unknown as MaekawaState;
  return {
    quorum: s.quorum,
    marks: holderMarks(state),
    ...(s.lock !== null && {
      caption: { text: `vote→${s.lock.node}`, label: `voted for node ${s.lock.node}` },
    }),
  };
}

/** Ricart–Agrawala and the other permission algorithms: the holder only. */
export function holderDrawing(state: unknown): NodeDrawing | undefined {
  if (!isObject(state) || !('inCS' in state)) return undefined;
  return { marks: holderMarks(state) };
}
