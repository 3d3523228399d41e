// Inspector fields of the lock services: the lease lock's server (the fencing token it
// issued, the lease and queue), its storage node (the newest token it accepted) and clients;
// Redlock's instances (the key they hold) and clients (the instances that granted); the
// ZooKeeper recipe's coordinator (sessions, the queue of sequential entries) and clients
// (their sequence number and the predecessor they watch).

import { count, hasKeys, keysOf, listOf, scalar } from './read.js';
import type { InspectorField } from './types.js';

const client = (s: Record<string, unknown>): InspectorField[] => [
  { label: 'phase', value: scalar(s.phase) },
  { label: 'inCS', value: s.inCS === true },
  { label: 'served', value: scalar(s.served) },
];

export function leaseLockFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'role', 'lease', 'newest', 'token')) return undefined;
  const role = { label: 'role', value: scalar(state.role) };
  if (state.role === 'server')
    return [
      role,
      { label: 'fencingToken', value: scalar(state.token) },
      { label: 'lease', value: scalar(state.lease) },
      { label: 'queue', value: count(state.queue) },
    ];
  if (state.role === 'storage')
    return [
      role,
      { label: 'newestToken', value: scalar(state.newest) },
      { label: 'accepted', value: scalar(state.accepted) },
      { label: 'rejected', value: scalar(state.rejected) },
    ];
  return [role, ...client(state), { label: 'held', value: scalar(state.held) }];
}

export function redlockFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'role', 'key', 'granted')) return undefined;
  const role = { label: 'role', value: scalar(state.role) };
  if (state.role === 'instance') return [role, { label: 'key', value: scalar(state.key) }];
  return [
    role,
    ...client(state),
    { label: 'granted', value: listOf(keysOf(state.granted)) },
    { label: 'attempts', value: scalar(state.attempts) },
  ];
}

export function znodeQueueFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'role', 'entries', 'sessions', 'pred')) return undefined;
  const role = { label: 'role', value: scalar(state.role) };
  if (state.role === 'coordinator')
    return [
      role,
      { label: 'sessions', value: count(state.sessions) },
      { label: 'queue', value: listOf(keysOf(state.entries)) },
      { label: 'watches', value: count(state.watches) },
    ];
  return [
    role,
    ...client(state),
    { label: 'seq', value: scalar(state.seq) },
    { label: 'watching', value: scalar(state.pred) },
  ];
}
