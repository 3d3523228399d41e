// Inspector fields of the gossip family: anti-entropy's replica (the OR-set's elements and
// tombstones, the peers it heard from, its round); SWIM's member list by status, its own
// incarnation, the probe in progress and its local health (Lifeguard).

import { count, hasKeys, isObject, keysOf, listOf, scalar, tally } from './read.js';
import type { InspectorField } from './types.js';

export function antiEntropyFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'crdt', 'seen', 'round')) return undefined;
  const crdt = isObject(state.crdt) ? state.crdt : {};
  return [
    { label: 'round', value: scalar(state.round) },
    { label: 'elements', value: listOf(keysOf(crdt.adds ?? crdt)) },
    { label: 'removed', value: count(crdt.removed) },
    { label: 'heardFrom', value: listOf(keysOf(state.seen)) },
  ];
}

export function swimFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'incarnation', 'members', 'probe')) return undefined;
  const members = isObject(state.members) ? state.members : {};
  const status = Object.fromEntries(
    Object.entries(members).map(([k, v]) => [k, hasKeys(v, 'status') ? v.status : '?']),
  );
  const p = state.probe;
  return [
    { label: 'incarnation', value: scalar(state.incarnation) },
    { label: 'members', value: tally(status) },
    {
      label: 'probe',
      value: hasKeys(p, 'target', 'acked')
        ? `→${p.target}${p.acked === true ? ' ✓' : p.indirect === true ? ' (indirect)' : ''}`
        : null,
    },
    { label: 'suspicions', value: listOf(keysOf(state.suspicions)) },
    { label: 'localHealth', value: scalar(state.lhm) },
  ];
}
