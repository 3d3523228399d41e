// Cohort's RPC server: a grpc-js server for one service's handlers, each run inside its call's
// context (context.ts: deadline, cancellation, propagated into the calls it makes), and an
// optional registration in the service registry (the recipes' `register`: the key
// `services/<service name>/<instance>` holding this server's address, on a kept-alive lease,
// so the instance disappears from every client's directory when this process dies or hangs).
//
//   const server = await startRpcServer(echoService(), handlers, {
//     registry: { client, instance: 'a', ttlMs: 5000 },
//   });
//
// Fault model: callers are untrusted. Requests larger than `maxRequestBytes` are refused by
// gRPC before decoding (RESOURCE_EXHAUSTED), undecodable ones by grpc-js (INTERNAL); fields are
// proto3 defaults when absent, and validating them is the handler's job (throw an RpcError).
// A handler's other exceptions reach the caller as INTERNAL without details; the server stays
// up. close() deregisters first, so clients stop picking this instance before it stops.

import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { Client } from '../../client/client.js';
import { type Registration, register } from '../../client/recipes/registry.js';
import { runInCall, ServedCall } from './context.js';
import { RpcError, statusOf } from './errors.js';
import type { MethodMap, RpcService } from './service.js';

export type Handler<Req, Res> = (request: Req, ctx: ServedCall) => Res | Promise<Res>;

export type Handlers<M extends MethodMap> = {
  readonly [K in keyof M]: Handler<M[K]['request'], M[K]['response']>;
};

export interface RpcServerOptions {
  readonly host?: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Default 4 MiB, gRPC's. */
  readonly maxRequestBytes?: number;
  /** Register this server as an instance of the service. */
  readonly registry?: {
    readonly client: Client;
    readonly instance: string;
    readonly ttlMs: number;
    /** The name it registers under (default the service's full name). */
    readonly service?: string;
    /** The address clients dial (default host:port). */
    readonly address?: string;
    readonly health?: () => boolean | Promise<boolean>;
  };
}

export interface RpcServer {
  readonly port: number;
  readonly address: string;
  readonly registration: Registration | undefined;
  close(): Promise<void>;
}

function unary<Req, Res>(path: string, handler: Handler<Req, Res>) {
  return (call: ServerUnaryCall<Req, Res>, done: sendUnaryData<Res>) => {
    const ctx = new ServedCall(call as ServerUnaryCall<unknown, unknown>, path);
    const fail = (error: unknown) => {
      ctx.finish();
      done(statusOf(error) as ServiceError);
    };
    let result: Res | Promise<Res>;
    try {
      result = runInCall(ctx, () => handler(call.request, ctx));
    } catch (error) {
      return fail(error);
    }
    if (!(result instanceof Promise)) {
      ctx.finish();
      return done(null, result);
    }
    result.then((value) => {
      ctx.finish();
      done(null, value);
    }, fail);
  };
}

export async function startRpcServer<M extends MethodMap>(
  service: RpcService<M>,
  handlers: Handlers<M>,
  options: RpcServerOptions = {},
): Promise<RpcServer> {
  const implementation: Record<string, ReturnType<typeof unary>> = {};
  for (const [name, method] of service.methods) {
    const handler = handlers[name] as Handler<unknown, unknown> | undefined;
    if (handler === undefined) continue; // grpc-js answers UNIMPLEMENTED.
    if (!method.unary)
      throw new RpcError('unimplemented', `${name} streams: serve it with grpc-js`);
    implementation[name] = unary(method.path, handler);
  }
  for (const name of Object.keys(handlers))
    if (!service.methods.has(name)) throw new RpcError('invalid-argument', `no method ${name}`);
  const server = new Server({
    'grpc.max_receive_message_length': options.maxRequestBytes ?? 4 * 1024 * 1024,
  });
  server.addService(service.definition, implementation);
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (e, p) =>
      e === null ? resolve(p) : reject(e),
    ),
  );
  const address = `${host}:${port}`;
  let registration: Registration | undefined;
  const r = options.registry;
  try {
    if (r !== undefined)
      registration = await register(r.client, r.service ?? service.name, r.instance, {
        ttlMs: r.ttlMs,
        value: r.address ?? address,
        ...(r.health === undefined ? {} : { health: r.health }),
      });
  } catch (error) {
    server.forceShutdown();
    throw error;
  }
  return {
    port,
    address,
    registration,
    close: async () => {
      await registration?.stop().catch(() => {});
      server.forceShutdown();
    },
  };
}
