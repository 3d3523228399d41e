// A running member's applied state as etcd's database, for the Maintenance handlers: the
// snapshot file (Snapshot), etcd's backend hash (Hash) and HashKV. Each takes the machine's
// state at one instant (synchronously), so what is streamed or hashed is one revision.
//
// Fault model: reads local, already-validated state only.

import type { EtcdServer } from '../etcd-server.js';
import { writeBolt } from './bolt-writer.js';
import { type EtcdState, etcdBuckets, hashBuckets } from './etcd-buckets.js';
import { hashKV } from './key-bucket.js';

function stateOf(server: EtcdServer): EtcdState {
  const machine = server.machine;
  return {
    mvcc: machine.mvcc.snapshot(),
    auth: machine.auth.snapshot(),
    members: server.members().map((m) => ({
      id: m.id,
      name: m.name,
      peerURLs: m.peerUrls,
      clientURLs: m.clientUrls,
    })),
    alarms: machine.cluster.snapshot().alarms,
    consistentIndex: server.raft.lastApplied,
  };
}

/** The bbolt file etcd's `snapshot save` would get, and the revision it holds. */
export function serverSnapshotFile(server: EtcdServer): { bytes: Buffer; revision: number } {
  const state = stateOf(server);
  return { bytes: writeBolt(etcdBuckets(state)), revision: state.mvcc.revision };
}

/** Maintenance.Hash: etcd's backend hash over the buckets, and the revision hashed. */
export function serverHash(server: EtcdServer): { hash: number; revision: number } {
  const state = stateOf(server);
  return {
    hash: hashBuckets(etcdBuckets(state), { consistentIndex: false }),
    revision: state.mvcc.revision,
  };
}

/** Maintenance.HashKV at `revision` (0: current), with the compact revision. */
export function serverHashKV(server: EtcdServer, revision: number) {
  const mvcc = server.machine.mvcc.snapshot();
  return {
    hash: hashKV(mvcc, revision),
    compactRevision: mvcc.compactRevision,
    revision: mvcc.revision,
  };
}
