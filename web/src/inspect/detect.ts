// Inspector fields of the failure detector (detect/heartbeat): its heartbeat sequence and
// epoch, whom it suspects, when it last heard each peer and whether it still sees a
// majority.

import { hasKeys, isObject, keysOf, listOf, scalar } from './read.js';
import type { InspectorField } from './types.js';

export function heartbeatFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'monitor', 'seq', 'majority') || !hasKeys(state.monitor, 'suspected'))
    return undefined;
  const heard = isObject(state.monitor.lastHeardMs) ? state.monitor.lastHeardMs : {};
  return [
    { label: 'epoch', value: scalar(state.epoch) },
    { label: 'seq', value: scalar(state.seq) },
    { label: 'suspected', value: listOf(keysOf(state.monitor.suspected)) },
    { label: 'majority', value: state.majority === true },
    {
      label: 'lastHeard',
      value: {
        kind: 'table',
        columns: ['peer', 'atMs'],
        rows: Object.entries(heard).map(([k, v]) => [k, Number(v).toFixed(1)]),
      },
    },
  ];
}
