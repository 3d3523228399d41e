// etcd's v3 API as gRPC definitions: the vendored, unmodified .proto files (proto/, see its
// README) loaded once with @grpc/proto-loader. Field names become camelCase (`range_end` →
// `rangeEnd`; `ID` and `TTL` stay), 64-bit integers arrive as decimal strings (lease ids
// exceed 2^53; wire.ts turns them into numbers or bigints), enums as their names, and unset
// fields as proto3 defaults, so handlers never see `undefined` where etcd's Go code sees 0.
//
// Fault model: the .proto files ship with the package; a missing directory is a packaging
// bug and fails at start with the path it looked for.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

const FILES = [
  'etcd/etcdserver/etcdserverpb/rpc.proto',
  'etcd/etcdserver/api/v3lock/v3lockpb/v3lock.proto',
  'etcd/etcdserver/api/v3election/v3electionpb/v3election.proto',
];

export const PROTO_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
};

/** The package's proto/ directory, found upward from this module (source, dist or bundle). */
export function protoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'proto', 'etcd');
    if (existsSync(candidate)) return join(dir, 'proto');
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(
        `etcd's .proto files (proto/etcd) not found above ${dirname(fileURLToPath(import.meta.url))}`,
      );
    dir = parent;
  }
}

type Package = Record<string, ServiceClientConstructor>;

export interface EtcdServices {
  readonly etcdserverpb: Package;
  readonly v3lockpb: Package;
  readonly v3electionpb: Package;
}

let loaded: EtcdServices | undefined;

/** The service definitions (and client constructors) of etcd's API, loaded once. */
export function etcdServices(): EtcdServices {
  if (loaded === undefined) {
    const definition = loadSync(FILES, { ...PROTO_OPTIONS, includeDirs: [protoDir()] });
    const root = loadPackageDefinition(definition) as GrpcObject;
    loaded = {
      etcdserverpb: root.etcdserverpb as Package,
      v3lockpb: root.v3lockpb as Package,
      v3electionpb: root.v3electionpb as Package,
    };
  }
  return loaded;
}
