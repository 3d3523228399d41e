// The client's typed errors. A failed call is turned into exactly one of:
// - EtcdError (shared with the server, server/errors.ts): the server answered with one of
//   etcd's errors, recognised by its exact message; `kind` names it ('compacted',
//   'leaseNotFound', 'noLeader' …), `code` is the gRPC status;
// - GrpcError: any other gRPC status (a connection failure, a deadline, an unknown server);
// - WatchCompactedError / WatchCanceledError: the server ended one watcher;
// - LeaseLostError: a kept-alive lease expired, was revoked or could not be renewed in time;
// - the AbortSignal's own reason when the caller aborted.
// `retryable` means "the condition is transient (UNAVAILABLE)"; it does NOT mean the request
// may be sent again: a write that failed with a retryable error may or may not have been
// applied (see connection.ts for what the client itself retries).
//
// Fault model: error statuses come from the network and are untrusted strings; an unknown
// message simply maps to GrpcError.

import type { ServiceError } from '@grpc/grpc-js';
import { EtcdError, etcdErrorKindOf, GRPC_STATUS, type GrpcStatusName } from '../server/errors.js';

export { EtcdError, type EtcdErrorKind, type GrpcStatusName } from '../server/errors.js';

const STATUS_NAMES = new Map<number, GrpcStatusName>(
  (Object.entries(GRPC_STATUS) as [GrpcStatusName, number][]).map(([name, code]) => [code, name]),
);

/** A gRPC failure that is not one of etcd's errors (connection refused, deadline, …). */
export class GrpcError extends Error {
  override readonly name = 'GrpcError';
  readonly code: GrpcStatusName;
  readonly retryable: boolean;

  constructor(
    readonly grpcCode: number,
    readonly details: string,
    options?: { readonly cause?: unknown },
  ) {
    const code = STATUS_NAMES.get(grpcCode) ?? 'UNKNOWN';
    super(`${code}: ${details}`, options);
    this.code = code;
    this.retryable = code === 'UNAVAILABLE';
  }
}

/** The server cancelled a watcher because its start revision is compacted. */
export class WatchCompactedError extends Error {
  override readonly name = 'WatchCompactedError';
  readonly retryable = false;

  constructor(
    /** The oldest revision still available; a new watch may start there. */
    readonly compactRevision: number,
  ) {
    super(`watch canceled: revision compacted (the oldest available is ${compactRevision})`);
  }
}

/** The server cancelled a watcher for another reason (permission, a server error). */
export class WatchCanceledError extends Error {
  override readonly name = 'WatchCanceledError';
  readonly retryable = false;

  constructor(readonly reason: string) {
    super(`watch canceled: ${reason === '' ? 'by the server' : reason}`);
  }
}

/**
 * Why a kept-alive lease is lost: its TTL ran out before a renewal got through ('expired'),
 * the server no longer knows it (revoked, or expired there: 'not-found'), or the keep-alive
 * stream failed with a non-transient error ('error', the `cause`).
 */
export type LeaseLostReason = 'expired' | 'not-found' | 'error';

/** A kept-alive lease is gone: its keys are (or will be) deleted by the server. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly retryable = false;

  constructor(
    readonly leaseId: bigint,
    readonly reason: LeaseLostReason,
    options?: { readonly cause?: unknown },
  ) {
    super(`lease ${leaseId} lost: ${reason}`, options);
  }
}

export type ClientError =
  | EtcdError
  | GrpcError
  | WatchCompactedError
  | WatchCanceledError
  | LeaseLostError;

function isServiceError(e: unknown): e is ServiceError {
  return e instanceof Error && typeof (e as Partial<ServiceError>).code === 'number';
}

/** A gRPC failure as one of the typed errors (EtcdError when the message is etcd's). */
export function fromGrpc(e: unknown): Error {
  if (!isServiceError(e)) return e instanceof Error ? e : new Error(String(e));
  const details = typeof e.details === 'string' ? e.details : e.message;
  const kind = etcdErrorKindOf(details);
  return kind === undefined ? new GrpcError(e.code, details, { cause: e }) : new EtcdError(kind);
}

/** True for errors that say "this member cannot answer now" (UNAVAILABLE). */
export function isUnavailable(e: unknown): boolean {
  return (e instanceof GrpcError || e instanceof EtcdError) && e.code === 'UNAVAILABLE';
}

/**
 * True when the request never left the client: grpc-js found no connection to send it on.
 * Only then is a write safe to send to another endpoint.
 */
export function isUnsent(e: unknown): boolean {
  return (
    e instanceof GrpcError &&
    e.code === 'UNAVAILABLE' &&
    e.details.startsWith('No connection established')
  );
}
