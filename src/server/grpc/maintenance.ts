// etcd's Maintenance and Cluster services, as far as a static membership goes: Status (the
// fields `etcdctl endpoint status` prints), HashKV, Alarm (none raised yet), Defragment (a
// no-op: the store is in memory and the WAL compacts itself), and MemberList.
//
// Fault model: read-only views of local state; nothing here can fail but the lookup.

import type { Logger } from 'pino';
import type { EtcdServer } from '../etcd-server.js';
import { ETCD_API_VERSION } from '../version.js';
import { int, long, responseToWire, type Wire } from '../wire.js';
import { type Unary, unary, unimplemented } from './call.js';

export function maintenanceService(server: EtcdServer, log: Logger): Record<string, Unary> {
  const header = () => server.header(server.machine.mvcc.revision);
  return {
    Status: unary(log, () => {
      const raft = server.raft;
      return {
        header: header(),
        version: ETCD_API_VERSION,
        dbSize: 0,
        dbSizeInUse: 0,
        leader: long(server.leaderId()),
        raftIndex: raft.commitIndex,
        raftTerm: raft.term,
        raftAppliedIndex: raft.lastApplied,
        errors: [],
        isLearner: false,
      };
    }),
    HashKV: unary(log, (w) => {
      const r = server.machine.mvcc.hashKV(int(w.revision));
      return responseToWire(r as unknown as Wire, header());
    }),
    Alarm: unary(log, () => ({ header: header(), alarms: [] })),
    Defragment: unary(log, () => ({ header: header() })),
    Hash: unimplemented('Hash'),
    MoveLeader: unimplemented('MoveLeader'),
    Snapshot: unimplemented('Snapshot') as never,
  };
}

export function clusterService(server: EtcdServer, log: Logger): Record<string, Unary> {
  return {
    MemberList: unary(log, () => ({
      header: server.header(server.machine.mvcc.revision),
      members: server.o.members.map((m) => ({
        ID: long(m.id),
        name: m.name,
        peerURLs: m.peerUrls,
        clientURLs: m.clientUrls,
        isLearner: false,
      })),
    })),
    MemberAdd: unimplemented('MemberAdd'),
    MemberRemove: unimplemented('MemberRemove'),
    MemberUpdate: unimplemented('MemberUpdate'),
    MemberPromote: unimplemented('MemberPromote'),
  };
}
