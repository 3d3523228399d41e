// The gRPC server with etcd's services registered (KV, Watch, Lease, Cluster, Maintenance,
// Auth — with etcd's permission checks around the others' methods: auth/gate.ts —
// and the v3lock and v3election recipes: lock.ts, election.ts; a learner member serves only
// what etcd's learners do: learner-gate.ts), under etcd's request size
// limits: grpc-js refuses a message over --max-request-bytes plus etcd's 512 KiB of gRPC
// overhead before decoding it, as etcd's server does.
//
// Fault model: see each service; grpc-js bounds message sizes and closes bad connections.

import { Server, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { AuthGate, type MethodKinds } from '../auth/gate.js';
import { authService } from '../auth/service.js';
import { TokenManager } from '../auth/tokens.js';
import type { EtcdServer } from '../etcd-server.js';
import { etcdServices } from '../proto.js';
import { clusterService } from './cluster.js';
import { electionService } from './election.js';
import { type KvLimits, kvService } from './kv.js';
import { learnerGate } from './learner-gate.js';
import { leaseService } from './lease.js';
import { lockService } from './lock.js';
import { maintenanceService } from './maintenance.js';
import { requestEofInterceptor } from './request-eof.js';
import { watchService } from './watch.js';

/** etcd's grpcOverheadBytes: room for the envelope around a request at the size limit. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

export function createGrpcServer(server: EtcdServer, limits: KvLimits, log: Logger): Server {
  const grpc = new Server({
    'grpc.max_receive_message_length': limits.maxRequestBytes + GRPC_OVERHEAD_BYTES,
    'grpc.max_send_message_length': 2 ** 31 - 1,
    interceptors: [requestEofInterceptor],
  });
  const pb = etcdServices().etcdserverpb;
  // etcd's auth: tokens, and each method's permission check wrapped around its handler.
  const tokens = new TokenManager({ appliedIndex: server.raft.lastApplied });
  const gate = new AuthGate(server, tokens, log, limits.maxTxnOps);
  const add = (name: string, impl: object, pkg = pb) => {
    const service = pkg[name]?.service;
    if (service === undefined) throw new Error(`etcd's ${name} service is not in the protos`);
    const kinds = service as unknown as MethodKinds;
    // etcd's order: the learner check (an interceptor) before auth (in the handlers).
    const checked = learnerGate(server, log, name, kinds, gate.wrap(name, kinds, impl));
    grpc.addService(service, checked as UntypedServiceImplementation);
  };
  add('KV', kvService(server, limits, log));
  add('Watch', watchService(server, log));
  add('Lease', leaseService(server, log));
  add('Maintenance', maintenanceService(server, log));
  add('Cluster', clusterService(server, log));
  add('Auth', authService(server, gate, log));
  add('Lock', lockService(server, limits, log), etcdServices().v3lockpb);
  add('Election', electionService(server, limits, log), etcdServices().v3electionpb);
  return grpc;
}
