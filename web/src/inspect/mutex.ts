// Inspector fields and stage drawings of the mutual-exclusion family, read from each node's state as the kernel
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
import { hasKeys, keysOf, listOf, scalar } from './read.js';
import type { InspectorField, NodeDrawing, NodeMark } from './types.js';

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

/** Maekawa: its quorum (outlined and drawn as a grid while inspected), the votes it holds and whom its voter half is locked for. */
export function maekawaDrawing(state: unknown): NodeDrawing | undefined {
  if (!isObject(state) || !('quorum' in state) || !('lock' in state)) return undefined;
  const s = state as unknown as MaekawaState;
  return {
    quorum: s.quorum,
    votes: Object.keys(s.votes).map(Number),
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

// Inspector fields: every mutex node's phase, whether it is in its critical section and how
// often it entered, then what its algorithm decides by.

const base = (s: Record<string, unknown>): InspectorField[] => [
  { label: 'phase', value: scalar(s.phase) },
  { label: 'inCS', value: s.inCS === true },
  { label: 'served', value: scalar(s.served) },
];

export function centralizedFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'role', 'book', 'inCS')) return undefined;
  const s = state as unknown as CentralizedState;
  const fields = [{ label: 'role', value: s.role }, ...base(state)];
  fields.push({ label: 'coordinator', value: s.coord }, { label: 'epoch', value: s.epoch });
  if (s.role === 'coordinator')
    fields.push(
      { label: 'grantedTo', value: s.book.holder?.node ?? null },
      { label: 'queue', value: listOf(s.book.queue.map((t) => t.node)) },
    );
  return fields;
}

export function ricartAgrawalaFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'clock', 'ok', 'deferred', 'inCS')) return undefined;
  return [
    ...base(state),
    { label: 'clock', value: scalar(state.clock) },
    { label: 'requestTs', value: scalar(state.ts) },
    { label: 'oks', value: listOf(keysOf(state.ok)) },
    { label: 'deferred', value: listOf(keysOf(state.deferred)) },
  ];
}

export function tokenRingFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'token', 'handoff', 'seen', 'inCS')) return undefined;
  const s = state as unknown as TokenRingState;
  return [
    ...base(state),
    { label: 'token', value: holds(s as never) },
    { label: 'generation', value: s.seen.gen },
    { label: 'handoff', value: s.handoff === null ? null : `→${s.handoff.to}` },
  ];
}

export function twoLayerFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'local', 'global', 'lan', 'inCS')) return undefined;
  const s = state as unknown as TwoLayerState;
  return [
    ...base(state),
    { label: 'lan', value: s.lan },
    { label: 'coordinator', value: s.coordinator },
    { label: 'localToken', value: holds(s.local) },
    { label: 'globalToken', value: holds(s.global) },
  ];
}

export function suzukiKasamiFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'rn', 'token', 'inCS')) return undefined;
  const s = state as unknown as SuzukiKasamiState;
  const fields = [
    ...base(state),
    { label: 'token', value: s.token !== null },
    { label: 'rn', value: s.rn.join(' ') },
  ];
  if (s.token !== null)
    fields.push(
      { label: 'ln', value: s.token.ln.join(' ') },
      { label: 'queue', value: listOf(s.token.queue) },
    );
  return fields;
}

export function maekawaFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'quorum', 'lock', 'votes', 'inCS')) return undefined;
  const s = state as unknown as MaekawaState;
  return [
    ...base(state),
    { label: 'quorum', value: s.quorum.join(' ') },
    { label: 'votes', value: listOf(Object.keys(s.votes)) },
    { label: 'lockedFor', value: s.lock === null ? null : s.lock.node },
    { label: 'queue', value: listOf(s.queue.map((a) => a.node)) },
    { label: 'clock', value: s.clock },
  ];
}
