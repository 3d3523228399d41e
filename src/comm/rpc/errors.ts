// RPC's typed errors: one RpcError class whose `code` is the gRPC status as a kebab-case name
// ('invalid-argument', 'deadline-exceeded', 'unavailable', …), the same on both sides of the
// wire. A handler throws `new RpcError('not-found', 'no such user')` and the caller catches an
// RpcError with that code and message; anything else a handler throws reaches the caller as
// 'internal' with no details (its message may hold secrets). Calls that never leave the
// client (an unknown method, a request that does not serialize, bad options) fail with the
// same class, so a caller handles one type.
//
// Fault model: statuses and details come from the network and are untrusted: an unknown
// status number maps to 'unknown', details are kept as text, bounded by gRPC's header limit.

import { Metadata, type ServiceError, status } from '@grpc/grpc-js';

export type RpcErrorCode =
  | 'cancelled'
  | 'unknown'
  | 'invalid-argument'
  | 'deadline-exceeded'
  | 'not-found'
  | 'already-exists'
  | 'permission-denied'
  | 'resource-exhausted'
  | 'failed-precondition'
  | 'aborted'
  | 'out-of-range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data-loss'
  | 'unauthenticated';

const byStatus = new Map<number, RpcErrorCode>();
const byCode = new Map<RpcErrorCode, number>();
for (const [name, value] of Object.entries(status)) {
  if (typeof value !== 'number' || value === status.OK) continue;
  const code = name.toLowerCase().replaceAll('_', '-') as RpcErrorCode;
  byStatus.set(value, code);
  byCode.set(code, value);
}

export class RpcError extends Error {
  override readonly name = 'RpcError';
  /** The gRPC status number. */
  readonly status: number;

  constructor(
    readonly code: RpcErrorCode,
    message: string,
    options?: { cause?: unknown; readonly metadata?: Metadata },
  ) {
    super(message, options);
    this.status = byCode.get(code) ?? status.UNKNOWN;
    this.metadata = options?.metadata;
  }

  /** The trailing metadata the server sent with the status, if any. */
  readonly metadata: Metadata | undefined;
}

/** A failed call's status as an RpcError. */
export function rpcErrorFromStatus(e: ServiceError): RpcError {
  const code = byStatus.get(e.code) ?? 'unknown';
  const message = e.details || e.message;
  return new RpcError(code, message, { cause: e, metadata: e.metadata });
}

/** What a handler threw, as the status the caller receives (see the header). */
export function statusOf(error: unknown): Partial<ServiceError> {
  if (error instanceof RpcError)
    return { code: error.status, details: error.message, metadata: new Metadata() };
  return { code: status.INTERNAL, details: 'internal error', metadata: new Metadata() };
}

export function invalidArgument(message: string): RpcError {
  return new RpcError('invalid-argument', message);
}
