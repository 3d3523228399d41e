// Inspector fields: for each algorithm, the few parts of a node's state that matter first
// (Raft: term, role, vote, commit index, the log committed against uncommitted, each
// follower's nextIndex/matchIndex), shown above the full state. Each family declares its
// fields in one module here, next to the others, keyed by algorithm name; every registered
// algorithm has one (test/lab-inspect-all.test.ts), and each label is a key of labels.ts,
// shown in the page's language. A declaration reads the state as the
// kernel keeps it and returns undefined for a state it does not recognise (a Raft client
// node, say), so a changed state shape degrades to the full view instead of breaking.

import { oralMessagesFields, pbftFields, signedMessagesFields } from './byzantine.js';
import { chainFields } from './chain.js';
import { clockFields } from './clock.js';
import { heartbeatFields } from './detect.js';
import { electionFields } from './election.js';
import { antiEntropyFields, swimFields } from './gossip.js';
import { leaseLockFields, redlockFields, znodeQueueFields } from './locks.js';
import {
  centralizedFields,
  maekawaFields,
  ricartAgrawalaFields,
  suzukiKasamiFields,
  tokenRingFields,
  twoLayerFields,
} from './mutex.js';
import { multiPaxosFields, paxosFields } from './paxos.js';
import { raftElectionFields, raftFields } from './raft.js';
import { quorumFields, viewReplicationFields } from './replication.js';
import { schedulingFields } from './scheduling.js';
import { commitFields, transactionalMessageFields } from './txn.js';
import type { InspectorField, InspectorFields } from './types.js';
import { zabFields } from './zab.js';

export type { FieldValue, InspectorField, InspectorFields, LogCell } from './types.js';

const DECLARED: Readonly<Record<string, InspectorFields>> = {
  'consensus/raft': raftFields,
  'election/raft': raftElectionFields,
  'election/bully': electionFields,
  'election/max-id': electionFields,
  'election/ring': electionFields,
  'election/zab-fle': electionFields,
  'clock/lamport': clockFields,
  'clock/vector': clockFields,
  'mutex/centralized': centralizedFields,
  'mutex/ricart-agrawala': ricartAgrawalaFields,
  'mutex/token-ring': tokenRingFields,
  'mutex/two-layer-token-ring': twoLayerFields,
  'mutex/suzuki-kasami': suzukiKasamiFields,
  'mutex/maekawa': maekawaFields,
  'locks/lease-lock': leaseLockFields,
  'locks/redlock': redlockFields,
  'locks/znode-queue': znodeQueueFields,
  'consensus/paxos': paxosFields,
  'consensus/multi-paxos': multiPaxosFields,
  'consensus/zab': zabFields,
  'byzantine/oral-messages': oralMessagesFields,
  'byzantine/signed-messages': signedMessagesFields,
  'byzantine/pbft': pbftFields,
  'chain/pow': chainFields,
  'chain/pos': chainFields,
  'chain/dpos': chainFields,
  'detect/heartbeat': heartbeatFields,
  'gossip/anti-entropy': antiEntropyFields,
  'gossip/swim': swimFields,
  'txn/2pc': commitFields,
  'txn/3pc': commitFields,
  'txn/paxos-commit': commitFields,
  'txn/transactional-message': transactionalMessageFields,
  'replication/quorum': quorumFields,
  'replication/primary-backup': viewReplicationFields,
  'replication/chain': viewReplicationFields,
  'scheduling/monolithic': schedulingFields,
  'scheduling/two-level': schedulingFields,
  'scheduling/shared-state': schedulingFields,
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
