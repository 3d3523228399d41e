// Inspector fields of the Byzantine family: a general's loyalty and decision and what it
// received (oral messages: the relayed paths; signed messages: the set V of values seen);
// a PBFT replica's view, status, the sequence numbers it prepared, committed and executed.

import { count, hasKeys, keysOf, listOf, scalar } from './read.js';
import type { InspectorField } from './types.js';

export function oralMessagesFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'traitor', 'decision', 'received')) return undefined;
  return [
    { label: 'traitor', value: state.traitor === true },
    { label: 'decision', value: scalar(state.decision) },
    { label: 'received', value: count(state.received) },
  ];
}

export function signedMessagesFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'traitor', 'decision', 'values')) return undefined;
  return [
    { label: 'traitor', value: state.traitor === true },
    { label: 'decision', value: scalar(state.decision) },
    { label: 'values', value: listOf(keysOf(state.values)) },
  ];
}

export function pbftFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'view', 'status', 'log', 'committed', 'lastExecuted')) return undefined;
  return [
    { label: 'byzantine', value: state.byzantine === true },
    { label: 'view', value: scalar(state.view) },
    { label: 'status', value: scalar(state.status) },
    { label: 'prepared', value: count(state.certs) },
    { label: 'committed', value: count(state.committed) },
    { label: 'lastExecuted', value: scalar(state.lastExecuted) },
    { label: 'viewChanges', value: count(state.viewChanges) },
  ];
}
