// Adapters from grpc-js's call objects to promise-returning handlers, and from errors to
// gRPC statuses: etcd's errors keep their status code and exact message (clients match on
// both); anything else is our bug, logged and answered INTERNAL without its details.
//
// Fault model: a handler may throw or reject at any point; the call is always answered once.

import { type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EtcdError } from '../errors.js';
import type { Wire } from '../wire.js';

export interface GrpcStatus {
  readonly code: number;
  readonly details: string;
}

export function toStatus(error: unknown, log: Logger): GrpcStatus {
  if (error instanceof EtcdError) return { code: error.grpcCode, details: error.message };
  log.error({ err: error }, 'request failed');
  return { code: status.INTERNAL, details: 'etcdserver: internal error' };
}

export type Unary = (call: ServerUnaryCall<Wire, Wire>, callback: sendUnaryData<Wire>) => void;

/** A unary method from an async handler of the decoded request. */
export function unary(log: Logger, handler: (request: Wire) => Promise<Wire> | Wire): Unary {
  return (call, callback) => {
    let answer: Promise<Wire>;
    try {
      answer = Promise.resolve(handler(call.request));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (response) => callback(null, response),
      (error) => callback(toStatus(error, log) as never),
    );
  };
}

/** A method this server does not offer (yet): etcd's clients see UNIMPLEMENTED. */
export function unimplemented(name: string): Unary {
  return (_call, callback) =>
    callback({ code: status.UNIMPLEMENTED, details: `${name} is not implemented` } as never);
}
