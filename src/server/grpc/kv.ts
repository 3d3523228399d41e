// etcd's KV service: Range, Put, DeleteRange, Txn, Compact. Requests are validated with the
// machine's own checks before they are proposed (so a bad request costs no Raft round), the
// size of a write is bounded by --max-request-bytes, and Range honours `serializable`.
//
// Fault model: requests are untrusted; every refusal is etcd's error, the server stays up.

import type { Logger } from 'pino';
import { EtcdError } from '../errors.js';
import type { EtcdServer } from '../etcd-server.js';
import {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkRangeRequest,
  checkTxnRequest,
} from '../mvcc/index.js';
import type { RangeResponse } from '../mvcc/types.js';
import {
  deleteRangeFromWire,
  int,
  putFromWire,
  rangeFromWire,
  responseToWire,
  txnFromWire,
  type Wire,
} from '../wire.js';
import { type Unary, unary } from './call.js';

export interface KvLimits {
  /** etcd's --max-request-bytes: a write larger than this is refused. */
  readonly maxRequestBytes: number;
  /** etcd's --max-txn-ops. */
  readonly maxTxnOps: number;
}

/** The bytes a request carries (keys and values): what etcd's size limit is about. */
function payloadBytes(x: unknown): number {
  if (x instanceof Uint8Array) return x.length;
  if (Array.isArray(x)) return x.reduce((n: number, v) => n + payloadBytes(v), 0);
  if (typeof x === 'object' && x !== null)
    return Object.values(x).reduce((n: number, v) => n + payloadBytes(v), 0);
  return 0;
}

export function kvService(
  server: EtcdServer,
  limits: KvLimits,
  log: Logger,
): Record<string, Unary> {
  const respond = (response: Wire) =>
    responseToWire(response, server.header((response.header as { revision: number }).revision));
  const bounded = <T>(request: T): T => {
    if (payloadBytes(request) > limits.maxRequestBytes) throw new EtcdError('requestTooLarge');
    return request;
  };
  return {
    Range: unary(log, async (w) => {
      const request = rangeFromWire(w);
      checkRangeRequest(request);
      const r = await server.read({ type: 'range', request }, request.serializable === true);
      return respond(r as unknown as RangeResponse as unknown as Wire);
    }),
    Put: unary(log, async (w) => {
      const request = bounded(putFromWire(w));
      checkPutRequest(request);
      return respond(await server.write({ type: 'put', request }));
    }),
    DeleteRange: unary(log, async (w) => {
      const request = deleteRangeFromWire(w);
      checkDeleteRangeRequest(request);
      return respond(await server.write({ type: 'deleteRange', request }));
    }),
    Txn: unary(log, async (w) => {
      const request = bounded(txnFromWire(w));
      checkTxnRequest(request, limits.maxTxnOps);
      return respond(await server.write({ type: 'txn', request }));
    }),
    Compact: unary(log, async (w) => {
      const request = { revision: int(w.revision), physical: w.physical === true };
      return respond(await server.write({ type: 'compact', request }));
    }),
  };
}
