// A running member's applied state as etcd's database, for the Maintenance handlers: the
// snapshot file (Snapshot), etcd's backend hash (Hash) and HashKV. Each takes the machine's
// state at one instant (synchronously), so what is streamed or hashed is one revision, then
// works on that copy in steps that let the event loop run (steps.ts): Raft keeps its
// heartbeats while a million keys are encoded.
//
// Fault model: reads local, already-validated state only.

import type { EtcdServer } from '../etcd-server.js';
import { writeBoltSteps } from './bolt-writer.js';
import { type EtcdState, etcdBucketSteps, hashBucketSteps } from './etcd-buckets.js';
import { hashKVSteps } from './key-bucket.js';
import { runStepsYielding } from './steps.js';

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
      isLearner: m.isLearner === true,
    })),
    alarms: machine.cluster.snapshot().alarms,
    consistentIndex: server.raft.lastApplied,
  };
}

/** The bbolt file etcd's `snapshot save` would get, and the revision it holds. */
export async function serverSnapshotFile(server: EtcdServer) {
  const state = stateOf(server);
  const bytes = await runStepsYielding(
    (function* () {
      return yield* writeBoltSteps(yield* etcdBucketSteps(state));
    })(),
  );
  return { bytes, revision: state.mvcc.revision };
}

/** Maintenance.Hash: etcd's backend hash over the buckets, and the revision hashed. */
export async function serverHash(server: EtcdServer) {
  const state = stateOf(server);
  const hash = await runStepsYielding(
    (function* () {
      const buckets = yield* etcdBucketSteps(state);
      return yield* hashBucketSteps(buckets, { consistentIndex: false });
    })(),
  );
  return { hash, revision: state.mvcc.revision };
}

/** Maintenance.HashKV at `revision` (0: current), with the compact revision. */
export async function serverHashKV(server: EtcdServer, revision: number) {
  const mvcc = server.machine.mvcc.snapshot();
  return {
    hash: await runStepsYielding(hashKVSteps(mvcc, revision)),
    compactRevision: mvcc.compactRevision,
    revision: mvcc.revision,
  };
}
