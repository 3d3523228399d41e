// The parts etcd's concurrency recipes are made of (clientv3/concurrency: session.go,
// mutex.go, election.go, key.go), run inside the server on its own KV, Lease and watch hub,
// as etcd's v3lock and v3election services run them on an in-process client: a session
// lease (granted with etcd's default 60 s TTL when the request names none, then orphaned —
// nobody keeps it alive), Txn and linearizable Range, and waitDeletes — wait until every key
// under a prefix created before ours is gone by watching only the newest of them (our
// predecessor), then looking again, so a released lock wakes one waiter, not the herd.
//
// Errors: etcd's services return their recipe's errors to grpc-go as plain Go errors (its
// in-process client turns etcd's status errors into client-side ones), so every error they
// answer with is gRPC UNKNOWN carrying etcd's exact message; `recipeStatus` does the same.
//
// Fault model: clients are untrusted (requests validated as the KV service validates them)
// and may cancel a waiting call at any time (the wait ends and its watcher is dropped); the
// history a wait watches may be compacted away (etcd's compacted error).

import { status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EtcdError } from '../errors.js';
import type { EtcdServer } from '../etcd-server.js';
import {
  checkTxnRequest,
  type KeyValue,
  type RangeRequest,
  type RangeResponse,
  type RequestOp,
  type ResponseHeader,
  type TxnRequest,
  type TxnResponse,
} from '../mvcc/index.js';
import type { WatchResponse } from '../watch-hub.js';
import type { Wire } from '../wire.js';
import { type GrpcStatus, toStatus, type Unary } from './call.js';
import type { KvLimits } from './kv.js';

/** etcd's defaultSessionTTL (clientv3/concurrency/session.go), in seconds. */
export const DEFAULT_SESSION_TTL_SECONDS = 60;

/** An error a recipe answers with in its own words ("election: not leader"). */
export class RecipeError extends Error {
  override readonly name = 'RecipeError';
}

/** As etcd answers a recipe's error: UNKNOWN with the message; our bugs stay INTERNAL. */
export function recipeStatus(error: unknown, log: Logger): GrpcStatus {
  if (error instanceof EtcdError || error instanceof RecipeError)
    return { code: status.UNKNOWN, details: error.message };
  return toStatus(error, log);
}

/** A unary method whose handler learns, through `signal`, that the client went away. */
export function cancellableUnary(
  log: Logger,
  handler: (request: Wire, signal: AbortSignal) => Promise<Wire>,
): Unary {
  return (call, callback) => {
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort(new Error('context canceled')));
    Promise.resolve()
      .then(() => handler(call.request, abort.signal))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          // The client is gone: nobody reads the answer, and its going is no failure of ours.
          if (abort.signal.aborted) return callback({ code: status.CANCELLED } as never);
          callback(recipeStatus(error, log) as never);
        },
      );
  };
}

/** The end of the range of every key starting with `prefix` (clientv3's GetPrefixRangeEnd). */
export function prefixEnd(prefix: Uint8Array): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const byte = prefix[i] as number;
    if (byte < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1)); // A copy, not a view.
      end[i] = byte + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** `name/`: the prefix under which a mutex or an election keeps its keys. */
export function recipePrefix(name: Uint8Array): Buffer {
  return Buffer.concat([name, Buffer.from('/')]);
}

/** A session's key under `prefix`: the lease id in hex, as Go's `%x` prints an int64. */
export function sessionKey(prefix: Uint8Array, lease: bigint): Buffer {
  return Buffer.concat([prefix, Buffer.from(lease.toString(16))]);
}

/** clientv3's WithFirstCreate / WithLastCreate: the oldest or newest key under `prefix`. */
export function byCreate(
  prefix: Uint8Array,
  order: 'ASCEND' | 'DESCEND',
  maxCreateRevision = 0,
): RangeRequest {
  return {
    key: prefix,
    rangeEnd: prefixEnd(prefix),
    sortTarget: 'CREATE',
    sortOrder: order,
    limit: 1,
    maxCreateRevision,
  };
}

export const rangeOp = (request: RangeRequest): RequestOp => ({ requestRange: request });

/** The KeyValues a Txn's `i`th response (a Range) found. */
export function rangeKvs(response: TxnResponse, i: number): KeyValue[] {
  const op = response.responses[i];
  return op !== undefined && 'responseRange' in op ? op.responseRange.kvs : [];
}

/** The KV and Lease operations the recipes use, validated and bounded as the KV service's. */
export class RecipeKv {
  constructor(
    readonly server: EtcdServer,
    private readonly limits: KvLimits,
  ) {}

  /** etcd's response header at `h.revision`, in wire form. */
  header(h: ResponseHeader): Wire {
    return this.server.header(h.revision);
  }

  /** concurrency.NewSession(WithLease(lease)): the lease, or a fresh 60 s one for 0. */
  async session(lease: bigint): Promise<bigint> {
    if (lease !== 0n) return lease;
    const request = { TTL: DEFAULT_SESSION_TTL_SECONDS, ID: this.server.newLeaseId() };
    const nowMs = Math.floor(this.server.o.clock());
    const r = await this.server.write({ type: 'leaseGrant', request, nowMs });
    return r.ID as bigint;
  }

  async txn(request: TxnRequest): Promise<TxnResponse> {
    checkTxnRequest(request, this.limits.maxTxnOps);
    return (await this.server.write({ type: 'txn', request })) as unknown as TxnResponse;
  }

  /** A linearizable Range (etcd's clients read that way unless told otherwise). */
  async get(request: RangeRequest): Promise<RangeResponse> {
    return (await this.server.read({ type: 'range', request }, false)) as unknown as RangeResponse;
  }

  /** Refuses a value that would make a write over --max-request-bytes. */
  bounded(...parts: Uint8Array[]): void {
    const bytes = parts.reduce((n, p) => n + p.length, 0);
    if (bytes > this.limits.maxRequestBytes) throw new EtcdError('requestTooLarge');
  }

  /**
   * key.go's waitDeletes: until no key under `prefix` was created at or below
   * `maxCreateRevision`, wait for the deletion of the newest such key; then the header of
   * the read that found none.
   */
  async waitDeletes(
    prefix: Uint8Array,
    maxCreateRevision: number,
    signal: AbortSignal,
  ): Promise<ResponseHeader> {
    for (;;) {
      signal.throwIfAborted();
      const r = await this.get(byCreate(prefix, 'DESCEND', maxCreateRevision));
      const last = r.kvs[0];
      if (last === undefined) return r.header;
      await this.waitDelete(last.key, r.header.revision, signal);
    }
  }

  /** key.go's waitDelete: a watch on `key` from `revision` until it sees a delete. */
  waitDelete(key: Uint8Array, revision: number, signal: AbortSignal): Promise<void> {
    return watchUntil(this.server, { key, startRevision: revision }, signal, (r) =>
      r.events?.some((e) => e.type === 'DELETE') ? { done: undefined } : true,
    );
  }
}

export interface WatchSpec {
  readonly key: Uint8Array;
  /** Empty: `key` alone. */
  readonly rangeEnd?: Uint8Array;
  readonly startRevision: number;
}

/**
 * What a watch step says: `{ done }` ends the watch with that result; a boolean is whether
 * the consumer can take more now (false: the hub holds back until `drains` emits 'drain').
 */
export type WatchStep<T> = { readonly done: T } | boolean;

/** Something that says when a paused consumer can take more (a grpc-js stream). */
export interface Drains {
  on(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/**
 * One watcher on the server's hub (no gRPC stream), handing each response with events to
 * `step` until it is done. Rejects with etcd's compacted error when the watcher's history
 * was compacted away, and with the signal's reason when the caller gives up.
 */
export function watchUntil<T>(
  server: EtcdServer,
  spec: WatchSpec,
  signal: AbortSignal,
  step: (response: WatchResponse) => WatchStep<T>,
  drains?: Drains,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let finished = false;
    const watchId = 1;
    const stream = server.hub.open({
      send: (r) => {
        if (finished) return true;
        if (r.canceled === true) {
          finish(() => reject(new EtcdError('compacted')));
          return true;
        }
        if (r.events === undefined || r.events.length === 0) return true;
        const next = step(r);
        if (typeof next === 'boolean') return next;
        finish(() => resolve(next.done));
        return true;
      },
    });
    const drained = () => stream.drained();
    const aborted = () => finish(() => reject(signal.reason));
    function finish(settle: () => void): void {
      if (finished) return;
      finished = true;
      signal.removeEventListener('abort', aborted);
      drains?.off('drain', drained);
      stream.cancel(watchId);
      stream.close();
      settle();
    }
    if (signal.aborted) return aborted();
    signal.addEventListener('abort', aborted);
    drains?.on('drain', drained);
    stream.create({
      key: spec.key,
      rangeEnd: spec.rangeEnd ?? new Uint8Array(0),
      startRevision: spec.startRevision,
      progressNotify: false,
      noPut: false,
      noDelete: false,
      prevKv: false,
      watchId,
    });
  });
}
