// Inspector fields of the transaction family: each node's role — two-phase and three-phase
// commit's coordinator (协调者) and cohorts (参与者), Paxos Commit's transaction manager,
// resource managers and acceptors, the transactional message's producer, broker and
// consumer — then what decides its transactions: begun, in the vote, prepared and in
// doubt, and the outcomes it knows (commit n, abort k).

import { count, hasKeys, keysOf, listOf, scalar, tally } from './read.js';
import type { InspectorField } from './types.js';

export function commitFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'role', 'begun', 'prepared', 'outcomes')) return undefined;
  const fields: InspectorField[] = [
    { label: 'role', value: scalar(state.role) },
    { label: 'begun', value: scalar(state.begun) },
    { label: 'prepared', value: listOf(keysOf(state.prepared)) },
    { label: 'outcomes', value: tally(state.outcomes) },
  ];
  // 2PC waits in doubt; 3PC is uncertain before PreCommit; Paxos Commit lets doubt time out.
  for (const key of ['inDoubtSinceMs', 'uncertain', 'doubtUntilMs'])
    if (key in state) fields.push({ label: 'inDoubt', value: listOf(keysOf(state[key])) });
  if ('voting' in state) fields.push({ label: 'voting', value: listOf(keysOf(state.voting)) });
  if ('instances' in state) fields.push({ label: 'instances', value: count(state.instances) });
  return fields;
}

export function transactionalMessageFields(state: unknown): readonly InspectorField[] | undefined {
  if (!hasKeys(state, 'role', 'halves', 'outcomes', 'consumed')) return undefined;
  return [
    { label: 'role', value: scalar(state.role) },
    { label: 'begun', value: scalar(state.begun) },
    { label: 'halves', value: listOf(keysOf(state.halves)) },
    { label: 'executing', value: listOf(keysOf(state.executing)) },
    { label: 'outcomes', value: tally(state.outcomes) },
    { label: 'consumed', value: count(state.consumed) },
  ];
}
