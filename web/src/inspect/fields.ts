// Inspector fields: for each algorithm, the few parts of a node's state that matter first
// (Raft: term, role, vote, commit index, the log committed against uncommitted, each
// follower's nextIndex/matchIndex), shown above the full state. Each family declares its
// fields in one module here, next to the others, keyed by algorithm name; an algorithm
// without a declaration shows its full state only. A declaration reads the state as the
// kernel keeps it and returns undefined for a state it does not recognise (a Raft client
// node, say), so a changed state shape degrades to the full view instead of breaking.

import { electionFields } from './election.js';
import { raftElectionFields, raftFields } from './raft.js';
import type { InspectorField, InspectorFields } from './types.js';

export type { FieldValue, InspectorField, InspectorFields, LogCell } from './types.js';

const DECLARED: Readonly<Record<string, InspectorFields>> = {
  'consensus/raft': raftFields,
  'election/raft': raftElectionFields,
  'election/bully': electionFields,
  'election/max-id': electionFields,
  'election/ring': electionFields,
  'election/zab-fle': electionFields,
};

/** The algorithm's declared fields for this state, or undefined to show the state alone. */
export function inspectorFieldsOf(
  algorithm: string,
  state: unknown,
): readonly InspectorField[] | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  return DECLARED[algorithm]?.(state);
}

/** The algorithms with declared fields (the test checks they recognise their states). */
export const declaredAlgorithms = (): readonly string[] => Object.keys(DECLARED);
