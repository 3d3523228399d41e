// A typed RPC service: a gRPC service loaded from a .proto file — Cohort's own (proto/cohort/)
// or one somebody else wrote for a plain gRPC server — with the same options the coordination
// server loads etcd's files with (server/proto.ts: PROTO_OPTIONS, protoDir). The type
// parameter names each method's request and response shapes, which the .proto does not give
// TypeScript; the client and server check every method name against the loaded definition.
//
// A method is retried and hedged only if it is idempotent: marked in the .proto
// (`option idempotency_level = IDEMPOTENT` or NO_SIDE_EFFECTS) or listed in `idempotent`.
//
// Fault model: a missing file or service, or a streaming method listed as idempotent, is a
// programming error and throws RpcError('invalid-argument') at load time.

import { loadSync, type MethodDefinition, type Options } from '@grpc/proto-loader';
import { PROTO_OPTIONS, protoDir } from '../../server/proto.js';
import { invalidArgument } from './errors.js';

/** Method name → its request and response types. */
export type MethodMap = Record<string, { request: object; response: object }>;

export interface RpcMethod {
  readonly name: string;
  /** `/package.Service/Method`, the HTTP/2 path. */
  readonly path: string;
  readonly idempotent: boolean;
  /** Only unary methods can be called through Cohort's client. */
  readonly unary: boolean;
  readonly definition: MethodDefinition<object, object>;
}

export interface RpcService<M extends MethodMap = MethodMap> {
  /** The full name, `package.Service`; also the name instances register under. */
  readonly name: string;
  readonly methods: ReadonlyMap<keyof M & string, RpcMethod>;
  /** For grpc-js `Server.addService`. */
  readonly definition: Record<string, MethodDefinition<object, object>>;
}

export interface ServiceSpec<M extends MethodMap> {
  /** .proto file(s), relative to `includeDirs`. */
  readonly proto: string | readonly string[];
  /** `package.Service`. */
  readonly service: string;
  /** Default: Cohort's proto/ directory. */
  readonly includeDirs?: readonly string[];
  /** Idempotent methods the .proto does not mark. */
  readonly idempotent?: readonly (keyof M & string)[];
  /** Over PROTO_OPTIONS (e.g. `longs: Number`). */
  readonly loaderOptions?: Options;
}

const IDEMPOTENT_LEVELS = new Set(['IDEMPOTENT', 'NO_SIDE_EFFECTS']);

export function loadService<M extends MethodMap>(spec: ServiceSpec<M>): RpcService<M> {
  const files = typeof spec.proto === 'string' ? [spec.proto] : [...spec.proto];
  const includeDirs = [...(spec.includeDirs ?? [protoDir()])];
  let definitions: ReturnType<typeof loadSync>;
  try {
    definitions = loadSync(files, { ...PROTO_OPTIONS, ...spec.loaderOptions, includeDirs });
  } catch (error) {
    throw Object.assign(invalidArgument(`cannot load ${files.join(', ')}: ${error}`), {
      cause: error,
    });
  }
  const definition = definitions[spec.service] as Record<string, MethodDefinition<object, object>>;
  if (definition === undefined || typeof definition.format === 'string')
    throw invalidArgument(`no service ${spec.service} in ${files.join(', ')}`);
  const listed = new Set<string>(spec.idempotent ?? []);
  const methods = new Map<keyof M & string, RpcMethod>();
  for (const [name, d] of Object.entries(definition)) {
    const unary = !d.requestStream && !d.responseStream;
    const level = String(d.options?.idempotency_level ?? '');
    const idempotent = listed.delete(name) || IDEMPOTENT_LEVELS.has(level);
    if (idempotent && !unary) throw invalidArgument(`${name} streams: it cannot be retried`);
    methods.set(name as keyof M & string, { name, path: d.path, idempotent, unary, definition: d });
  }
  if (listed.size > 0)
    throw invalidArgument(`${spec.service} has no method ${[...listed].join(', ')}`);
  return { name: spec.service, methods, definition };
}
