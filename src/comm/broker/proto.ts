// The broker's gRPC definitions (proto/cohort/broker.proto, found where server/proto.ts finds
// etcd's), loaded once. 64-bit integers arrive as JS numbers (offsets and timestamps stay far
// below 2^53), bytes as Buffers, unset fields as proto3 defaults.
//
// Fault model: the .proto ships with the package; its absence is a packaging bug and throws.

import {
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_OPTIONS, protoDir } from '../../server/proto.js';

let loaded: ServiceClientConstructor | undefined;

/** The Broker service's client constructor (its `.service` is the server's definition). */
export function brokerService(): ServiceClientConstructor {
  if (loaded === undefined) {
    const definition = loadSync('cohort/broker.proto', {
      ...PROTO_OPTIONS,
      longs: Number,
      includeDirs: [protoDir()],
    });
    const root = loadPackageDefinition(definition) as GrpcObject;
    loaded = (root.cohort as GrpcObject).broker as unknown as ServiceClientConstructor;
    loaded = (loaded as unknown as Record<string, ServiceClientConstructor>).Broker;
  }
  return loaded as ServiceClientConstructor;
}
