// Inspector fields of ZAB (consensus/zab): the server's state (LOOKING, FOLLOWING, LEADING),
// the leader it follows, its epochs — accepted and current (纪元) — the phase of the
// protocol (discovery, synchronization, broadcast), its history and how far it committed
// and delivered, zxids read as epoch.counter.

import { count, hasKeys, scalar } from './read.js';
import type { InspectorField } from './types.js';

/** A zxid is epoch × 2³² + counter; shown as the notes write it, epoch.counter. */
const zxid = (x: unknown): string | null =>
  typeof x === 'number' ? `${Math.floor(x / 2 ** 32)}.${x % 2 ** 32}` : null;

export function zabFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'server', 'phase', 'history', 'acceptedEpoch', 'currentEpoch'))
    return undefined;
  return [
    { label: 'role', value: scalar(state.role) },
    { label: 'serverState', value: scalar(state.server) },
    { label: 'leader', value: scalar(state.leader) },
    { label: 'phase', value: scalar(state.phase) },
    { label: 'acceptedEpoch', value: scalar(state.acceptedEpoch) },
    { label: 'currentEpoch', value: scalar(state.currentEpoch) },
    { label: 'history', value: count(state.history) },
    { label: 'committed', value: zxid(state.committed) },
    { label: 'delivered', value: zxid(state.delivered) },
  ];
}
