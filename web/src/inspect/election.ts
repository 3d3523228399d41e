// Inspector fields of the election family: every election node keeps its role, the leader
// it follows (itself while leading) and the term, epoch or election number that leader won
// (election/workload.ts's ElectionNodeState).

import type { ElectionNodeState } from '../../../src/algorithms/election/workload.js';
import type { InspectorField } from './types.js';

const isElectionState = (s: object): s is ElectionNodeState =>
  'role' in s && 'leader' in s && 'term' in s;

export function electionFields(state: unknown): readonly InspectorField[] | undefined {
  if (typeof state !== 'object' || state === null || !isElectionState(state)) return undefined;
  return [
    { label: 'role', value: state.role },
    { label: 'leader', value: state.leader },
    { label: 'term', value: state.term },
  ];
}
