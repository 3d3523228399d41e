// Creates a member's data directory from a restored etcd snapshot (`cohort snapshot restore`):
// the write-ahead log under <data-dir>/wal holding what Raft loads at start — a snapshot of
// the server machine at index 1, term 1, with every member of the new cluster a voter — and
// <data-dir>/member.json with this member's Raft id (serve.ts). Raft ids derive from each
// member's peer URLs and the cluster token (identity.ts raftIdOf), so `cohort serve` must
// be given the same --initial-cluster and --initial-cluster-token, as etcd requires. It then
// starts as if the cluster had installed the snapshot: every member restored from the same
// file starts from the same state at the same index, the first leader writes the roster
// (the old cluster's members are dropped, as etcd's restore drops them) and renews every
// lease. (etcd's restore writes its WAL and snap files for the same purpose.)
//
// Fault model: the state comes from an untrusted file; it is validated whole by the machines'
// restore BEFORE anything is written (their typed errors propagate), and an existing
// directory is refused, as etcd refuses it, so a restore never overwrites a member's data.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../../algorithms/consensus/raft/messages.js';
import { HARD_STATE_KEY, type HardState } from '../../algorithms/consensus/raft/state.js';
import { openWalStorage } from '../../runtime/wal/index.js';
import { AuthStore } from '../auth/store.js';
import { ClusterState } from '../cluster-state.js';
import { raftIdOf } from '../identity.js';
import type { ServerSnapshot } from '../machine.js';
import { MvccMachine } from '../mvcc/index.js';
import { type ClusterMember, writeMemberFile } from '../serve.js';
import type { RestoredState } from './etcd-restore.js';

export class DataDirExistsError extends Error {
  override readonly name = 'DataDirExistsError';
}

/** Raft's storage key of its snapshot (consensus/raft/log.ts). */
const RAFT_SNAPSHOT_KEY = 'snapshot';

/** The server machine's snapshot for `state`, validated by the machines' own restore. */
export function serverSnapshotOf(state: RestoredState): ServerSnapshot {
  const snapshot: ServerSnapshot = {
    mvcc: state.mvcc,
    sessions: [],
    timeMs: 0,
    auth: state.auth,
    cluster: { members: [], alarms: state.alarms },
  };
  MvccMachine.restore(snapshot.mvcc);
  AuthStore.restore(snapshot.auth);
  ClusterState.restore(snapshot.cluster);
  return snapshot;
}

/** Where the restored member goes: the new cluster, this member's name, the cluster token. */
export interface RestoreTarget {
  readonly dataDir: string;
  readonly name: string;
  readonly cluster: readonly ClusterMember[];
  readonly token: string;
}

/** Writes <dataDir>/wal and member.json for member `name` of `cluster` starting from `state`. */
export async function writeDataDir(target: RestoreTarget, state: RestoredState): Promise<void> {
  const { dataDir } = target;
  if (existsSync(dataDir)) throw new DataDirExistsError(`data-dir "${dataDir}" exists`);
  const ids = target.cluster.map((m) => raftIdOf(m.peerUrls, target.token));
  const self = ids[target.cluster.findIndex((m) => m.name === target.name)];
  if (self === undefined)
    throw new TypeError(`--initial-cluster has no member named '${target.name}'`);
  if (new Set(ids).size !== ids.length)
    throw new TypeError('--initial-cluster: two members share a Raft id (give other peer URLs)');
  const kv = serverSnapshotOf(state);
  const storage = await openWalStorage(join(dataDir, 'wal'));
  try {
    const voters = [...ids].sort((a, b) => a - b);
    const snapshot: Snapshot = { index: 1, term: 1, voters, kv };
    const hard: HardState = { term: 1, votedFor: null };
    storage.set(RAFT_SNAPSHOT_KEY, snapshot);
    storage.set(HARD_STATE_KEY, hard);
    storage.endStep();
    await storage.sync();
  } finally {
    await storage.close();
  }
  // After the WAL: a directory with member.json but no WAL would start as a fresh member.
  writeMemberFile(dataDir, { raftId: self, joined: false });
}
