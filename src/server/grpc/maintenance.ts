// etcd's Maintenance service (the Cluster service is cluster.ts): Status (the
// fields `etcdctl endpoint status` prints; the database size is what the member keeps on
// disk, as etcd's is its bolt file, the size in use what the quota counts; `errors` lists "no leader" and the alarms as etcd prints
// them), HashKV, Alarm (GET/ACTIVATE/DEACTIVATE of the replicated alarms; etcd answers with
// no header), MoveLeader (Raft's leadership transfer: etcd-server.ts), Defragment (a no-op:
// the store is in memory and the WAL compacts itself) and Snapshot.
//
// Snapshot streams this member's applied state as etcd streams its database: the bbolt file
// etcd 3.4 would hold (snapshot/: `etcdctl snapshot status|restore` and `cohort snapshot
// restore` read it), built once per call, in chunks of 32 KiB with the bytes remaining, then
// the SHA-256 of everything before it (etcdctl snapshot save's integrity trailer). Hash is
// etcd's backend hash over the same buckets, HashKV etcd's over the key bucket (snapshot/).
//
// Fault model: read-only views of local state; a snapshot client may stop reading (writes
// wait for the stream to drain) or go away (the stream stops).

import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { isLearner } from '../../algorithms/consensus/raft/state.js';
import { ALARM_TYPES, type AlarmType, alarmText } from '../cluster-state.js';
import { EtcdError } from '../errors.js';
import type { EtcdServer } from '../etcd-server.js';
import { serverHash, serverHashKV, serverSnapshotFile } from '../snapshot/server-state.js';
import { ETCD_API_VERSION } from '../version.js';
import { big, int, long, responseToWire, type Wire } from '../wire.js';
import { toStatus, type Unary, unary } from './call.js';

/** etcd's snapshotSendBufferSize. */
const SNAPSHOT_CHUNK_BYTES = 32 * 1024;

type SnapshotCall = ServerWritableStream<Wire, Wire>;

/** The bytes of the files under `dir` (0 when it cannot be read). */
async function diskBytes(dir: string | undefined): Promise<number> {
  if (dir === undefined) return 0;
  let total = 0;
  try {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) total += await diskBytes(path);
      else if (entry.isFile()) total += (await stat(path).catch(() => ({ size: 0 }))).size;
    }
  } catch {
    // Gone or unreadable meanwhile: count what was seen.
  }
  return total;
}

/** Writes `response`; resolves once the stream can take more, rejects if it went away. */
function send(call: SnapshotCall, response: Wire): Promise<void> {
  if (call.cancelled || call.destroyed) return Promise.reject(new Error('snapshot cancelled'));
  if (call.write(response)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      call.off('drain', onDrain);
      call.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('snapshot cancelled'));
    call.on('drain', onDrain);
    call.on('close', onClose);
  });
}

async function streamSnapshot(server: EtcdServer, call: SnapshotCall): Promise<void> {
  const { bytes, revision } = await serverSnapshotFile(server);
  const hash = createHash('sha256');
  for (let sent = 0; sent < bytes.length; ) {
    const blob = bytes.subarray(sent, sent + SNAPSHOT_CHUNK_BYTES);
    sent += blob.length;
    hash.update(blob);
    const first = sent === blob.length;
    const response: Wire = { remainingBytes: bytes.length - sent, blob };
    await send(call, first ? { ...response, header: server.header(revision) } : response);
  }
  await send(call, { remainingBytes: 0, blob: hash.digest() });
  call.end();
}

/** The client's deadline on the server's clock (undefined: none given). */
function deadlineOf(call: ServerUnaryCall<Wire, Wire>, clock: () => number): number | undefined {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(at)) return undefined;
  return clock() + (at - Date.now());
}

/** MoveLeader needs the call itself: it waits for the transfer until the client's deadline. */
function moveLeader(server: EtcdServer, log: Logger): Unary {
  return (call: ServerUnaryCall<Wire, Wire>, callback: sendUnaryData<Wire>) => {
    server.moveLeader(big(call.request.targetID), deadlineOf(call, server.o.clock)).then(
      () => callback(null, {}),
      (error: unknown) => callback(toStatus(error, log) as never),
    );
  };
}

const ALARM_ACTIONS = ['GET', 'ACTIVATE', 'DEACTIVATE'] as const;

async function alarm(server: EtcdServer, w: Wire): Promise<Wire> {
  const action = w.action as (typeof ALARM_ACTIONS)[number];
  const type = w.alarm as AlarmType;
  // An unknown action does nothing in etcd (its switch has no default); an unknown alarm
  // type etcd would store, we do not (the machine knows three): both answer no alarms.
  if (!ALARM_ACTIONS.includes(action) || !ALARM_TYPES.includes(type)) return { alarms: [] };
  const alarms = await server.alarm(action, big(w.memberID), type);
  return { alarms: alarms.map((a) => ({ memberID: long(a.memberID), alarm: a.alarm })) };
}

export function maintenanceService(server: EtcdServer, log: Logger): Record<string, Unary> {
  const header = () => server.header(server.machine.mvcc.revision);
  return {
    Status: unary(log, async () => {
      const dbSize = await diskBytes(server.o.dataDir);
      const raft = server.raft;
      return {
        header: header(),
        version: ETCD_API_VERSION,
        dbSize,
        // What the store holds as the quota counts it (space-quota.ts), as etcd's in-use
        // size is the part of its file holding data.
        dbSizeInUse: server.machine.storeBytes,
        leader: long(server.leaderId()),
        raftIndex: raft.commitIndex,
        raftTerm: raft.term,
        raftAppliedIndex: raft.lastApplied,
        errors: [
          ...(server.leaderId() === 0n ? [new EtcdError('noLeader').message] : []),
          ...server.machine.cluster.get('NONE').map(alarmText),
        ],
        isLearner: isLearner(raft),
      };
    }),
    HashKV: unary(log, async (w) => {
      const r = await serverHashKV(server, int(w.revision));
      const response = { hash: r.hash, compactRevision: r.compactRevision };
      return responseToWire(response as unknown as Wire, server.header(r.revision));
    }),
    Alarm: unary(log, (w) => alarm(server, w)),
    Defragment: unary(log, () => ({ header: header() })),
    Hash: unary(log, async () => {
      const r = await serverHash(server);
      return { header: server.header(r.revision), hash: r.hash };
    }),
    MoveLeader: moveLeader(server, log),
    Snapshot: ((call: SnapshotCall) => {
      streamSnapshot(server, call).catch((error: unknown) => {
        if (!call.cancelled && !call.destroyed)
          call.destroy(Object.assign(new Error(), toStatus(error, log)));
      });
    }) as never,
  };
}
