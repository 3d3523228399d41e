// Inspector fields of the schedulers: a machine's capacity in use and tasks running; the
// scheduler's (Borg's single queue, Omega's shared-state schedulers) jobs arrived, tasks
// pending and done, tasks placed or claimed; Mesos's master (free resources, offers
// outstanding, each framework's allocation) and frameworks (offers held, tasks launched).
// Under loss and crashes (shared/machine.ts, shared/members.ts): a machine's incarnation, its
// lease with each launcher and its task ends not yet acknowledged; a launcher's view of each
// machine's session and whether it counts it up.

import { count, hasKeys, isObject, scalar } from './read.js';
import type { InspectorField } from './types.js';

const rows = (x: unknown): Record<string, unknown>[] =>
  Array.isArray(x) ? x.filter(isObject) : [];

function machineFields(m: Record<string, unknown>): InspectorField[] {
  return [
    { label: 'role', value: 'machine' },
    { label: 'cpu', value: `${scalar(m.usedCpu)} / ${scalar(m.cpu)}` },
    { label: 'mem', value: `${scalar(m.usedMem)} / ${scalar(m.mem)}` },
    { label: 'running', value: count(m.running) },
    { label: 'incarnation', value: scalar(m.incarnation) },
    {
      label: 'leases',
      value: {
        kind: 'table',
        columns: ['launcher', 'session', 'untilMs'],
        rows: rows(m.leases).map((l) => [Number(l.launcher), Number(l.session), Number(l.untilMs)]),
      },
    },
    { label: 'reports', value: count(m.reports) },
  ];
}

/** A launcher's view of its machines: each one's session and whether it counts it up. */
const membersField = (members: unknown): InspectorField => ({
  label: 'members',
  value: {
    kind: 'table',
    columns: ['machine', 'session', 'up'],
    rows: rows(members).map((m) => [
      Number(m.machine),
      Number(m.session),
      m.up === true ? 'up' : 'down',
    ]),
  },
});

const ownerFields = (o: Record<string, unknown>): InspectorField[] => [
  { label: 'arrived', value: scalar(o.arrived) },
  { label: 'pending', value: count(o.pending) },
  { label: 'done', value: count(o.done) },
];

export function schedulingFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'machine')) return undefined;
  if (isObject(state.machine)) return machineFields(state.machine);
  if (isObject(state.master)) {
    const m = state.master;
    const alloc = isObject(m.alloc) ? Object.entries(m.alloc) : [];
    return [
      { label: 'role', value: 'master' },
      { label: 'free', value: count(m.free) },
      { label: 'offers', value: count(m.offers) },
      {
        label: 'allocation',
        value: {
          kind: 'table',
          columns: ['framework', 'cpu', 'mem'],
          rows: alloc.map(([f, a]) => [
            f,
            Number(isObject(a) ? a.cpu : 0),
            Number(isObject(a) ? a.mem : 0),
          ]),
        },
      },
      membersField(m.members),
    ];
  }
  if (isObject(state.framework)) {
    const f = state.framework;
    return [
      { label: 'role', value: 'framework' },
      ...(isObject(f.owner) ? ownerFields(f.owner) : []),
      { label: 'offers', value: count(f.offers) },
      { label: 'launched', value: count(f.launched) },
    ];
  }
  if (!isObject(state.owner)) return undefined;
  return [
    { label: 'role', value: 'scheduler' },
    ...ownerFields(state.owner),
    { label: 'placed', value: count(state.placed ?? state.running) },
    ...('claims' in state ? [{ label: 'claims', value: count(state.claims) }] : []),
    membersField(state.members),
  ];
}
