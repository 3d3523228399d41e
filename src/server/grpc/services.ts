// The gRPC server with etcd's services registered (KV, Watch, Lease, Cluster, Maintenance),
// under etcd's request size limits: grpc-js refuses a message over --max-request-bytes plus
// etcd's 512 KiB of gRPC overhead before decoding it, as etcd's server does.
//
// Fault model: see each service; grpc-js bounds message sizes and closes bad connections.

import { Server, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { EtcdServer } from '../etcd-server.js';
import { etcdServices } from '../proto.js';
import { type KvLimits, kvService } from './kv.js';
import { leaseService } from './lease.js';
import { clusterService, maintenanceService } from './maintenance.js';
import { watchService } from './watch.js';

/** etcd's grpcOverheadBytes: room for the envelope around a request at the size limit. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

export function createGrpcServer(server: EtcdServer, limits: KvLimits, log: Logger): Server {
  const grpc = new Server({
    'grpc.max_receive_message_length': limits.maxRequestBytes + GRPC_OVERHEAD_BYTES,
    'grpc.max_send_message_length': 2 ** 31 - 1,
  });
  const pb = etcdServices().etcdserverpb;
  const add = (name: string, impl: object) => {
    const service = pb[name]?.service;
    if (service === undefined) throw new Error(`etcd's ${name} service is not in the protos`);
    grpc.addService(service, impl as UntypedServiceImplementation);
  };
  add('KV', kvService(server, limits, log));
  add('Watch', watchService(server, log));
  add('Lease', leaseService(server, log));
  add('Maintenance', maintenanceService(server, log));
  add('Cluster', clusterService(server, log));
  return grpc;
}
