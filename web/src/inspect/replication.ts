// Inspector fields of the replication family: Dynamo quorums' stored keys with their
// siblings, hinted hand-offs and the request in progress; primary-backup's and chain
// replication's view (epoch and members: the first is the primary, 主节点, or the head),
// the log it holds, the store and, in a chain, how far its successor acknowledged.

import { count, hasKeys, isObject, keysOf, listOf, scalar } from './read.js';
import type { InspectorField } from './types.js';

export function quorumFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'store', 'hints', 'op')) return undefined;
  const store = isObject(state.store) ? state.store : {};
  const siblings = Object.entries(store).map(([k, v]) => `${k}×${count(v)}`);
  return [
    { label: 'keys', value: listOf(siblings) },
    { label: 'hints', value: count(state.hints) },
    {
      label: 'request',
      value: hasKeys(state.op, 'kind', 'key') ? `${state.op.kind} ${state.op.key}` : null,
    },
    { label: 'clock', value: scalar(state.counter) },
  ];
}

export function viewReplicationFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'view', 'log', 'store') || !hasKeys(state.view, 'epoch', 'members'))
    return undefined;
  const fields: InspectorField[] = [
    { label: 'epoch', value: scalar(state.view.epoch) },
    { label: 'members', value: listOf(keysOf(state.view.members)) },
    { label: 'log', value: count(state.log) },
    { label: 'store', value: listOf(keysOf(state.store)) },
    { label: 'rejoining', value: state.rejoining === true },
  ];
  if ('acked' in state) fields.push({ label: 'acked', value: scalar(state.acked) });
  return fields;
}
