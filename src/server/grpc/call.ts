// Adapters from grpc-js's call objects to promise-returning handlers, and from errors to
// gRPC statuses: etcd's errors keep their status code and exact message (clients match on
// both); anything else is our bug, logged and answered INTERNAL without its details. Also
// the text Go gives such a status error, which etcd puts where a string is expected (a
// refused watch's cancel_reason) and clients show as it is.
//
// Fault model: a handler may throw or reject at any point; the call is always answered once.

import { type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EtcdError, type GrpcStatusName } from '../errors.js';
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

/** Go's names of the gRPC codes (google.golang.org/grpc/codes, Code.String()). */
const GO_CODE_NAMES: Record<GrpcStatusName, string> = {
  OK: 'OK',
  CANCELLED: 'Canceled',
  UNKNOWN: 'Unknown',
  INVALID_ARGUMENT: 'InvalidArgument',
  DEADLINE_EXCEEDED: 'DeadlineExceeded',
  NOT_FOUND: 'NotFound',
  ALREADY_EXISTS: 'AlreadyExists',
  PERMISSION_DENIED: 'PermissionDenied',
  RESOURCE_EXHAUSTED: 'ResourceExhausted',
  FAILED_PRECONDITION: 'FailedPrecondition',
  ABORTED: 'Aborted',
  OUT_OF_RANGE: 'OutOfRange',
  UNIMPLEMENTED: 'Unimplemented',
  INTERNAL: 'Internal',
  UNAVAILABLE: 'Unavailable',
  DATA_LOSS: 'DataLoss',
  UNAUTHENTICATED: 'Unauthenticated',
};

/**
 * What `rpctypes.ErrGRPC….Error()` says in etcd 3.4 for `error`:
 * "rpc error: code = PermissionDenied desc = etcdserver: permission denied".
 */
export function goStatusText(error: EtcdError): string {
  return `rpc error: code = ${GO_CODE_NAMES[error.code]} desc = ${error.message}`;
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
