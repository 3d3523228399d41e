// KV operations as etcd's request messages, and their responses as the client's results:
// shared by the plain calls (kv.ts) and the Txn builder (txn.ts), so a Get inside a Txn means
// exactly what `client.get` means.
//
// Fault model: none here (request building and response decoding; decoding never throws on
// a malformed response, it reads missing fields as proto3 defaults).

import {
  type BytesLike,
  type Header,
  headerFromWire,
  int,
  type KeyValue,
  kvsFromWire,
  type LeaseRef,
  leaseIdOf,
  long,
  optionalKv,
  prefixEnd,
  toBytes,
  type Wire,
} from './values.js';

export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
export type SortOrder = 'ASCEND' | 'DESCEND';

/** Which keys an operation covers: one key, a prefix, or `[key, rangeEnd)`. */
export interface RangeOptions {
  /** Every key starting with `key` (an empty key with prefix: every key). */
  readonly prefix?: boolean;
  /** The exclusive end of the range; "\0" means every key from `key` on. */
  readonly rangeEnd?: BytesLike;
}

export interface GetOptions extends RangeOptions {
  /** Read the store as of this revision (0: the latest). */
  readonly revision?: number;
  /** At most this many keys (0: no limit); `more` says whether there were others. */
  readonly limit?: number;
  readonly sort?: { readonly target?: SortTarget; readonly order: SortOrder };
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  /** Answered by the member the client talks to, without a quorum round (may be stale). */
  readonly serializable?: boolean;
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface PutOptions {
  /** Attach the key to this lease (it is deleted when the lease ends). */
  readonly lease?: LeaseRef;
  /** Return the key's previous state. */
  readonly prevKv?: boolean;
  /** Keep the current value (etcd's ignore_value; the key must exist). */
  readonly ignoreValue?: boolean;
  /** Keep the current lease (etcd's ignore_lease; the key must exist). */
  readonly ignoreLease?: boolean;
}

export interface DeleteOptions extends RangeOptions {
  /** Return the deleted keys' last states. */
  readonly prevKv?: boolean;
}

export interface GetResult {
  readonly header: Header;
  readonly kvs: KeyValue[];
  /** True when `limit` cut the result short. */
  readonly more: boolean;
  /** How many keys the range holds (regardless of `limit`). */
  readonly count: number;
}

export interface PutResult {
  readonly header: Header;
  readonly prevKv?: KeyValue;
}

export interface DeleteResult {
  readonly header: Header;
  readonly deleted: number;
  readonly prevKvs: KeyValue[];
}

export interface TxnResult {
  readonly header: Header;
  /** True when every compare held and the `then` branch ran. */
  readonly succeeded: boolean;
  readonly responses: OpResult[];
}

export type OpResult =
  | ({ readonly type: 'get' } & GetResult)
  | ({ readonly type: 'put' } & PutResult)
  | ({ readonly type: 'delete' } & DeleteResult)
  | ({ readonly type: 'txn' } & TxnResult);

/** The wire key and range end for a key and its range options (clientv3's conventions). */
export function rangeOf(
  key: BytesLike,
  options: RangeOptions,
): { key: Uint8Array; rangeEnd?: Uint8Array } {
  const bytes = toBytes(key);
  if (options.prefix === true) {
    if (bytes.length === 0) return { key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) };
    return { key: bytes, rangeEnd: prefixEnd(bytes) };
  }
  if (options.rangeEnd !== undefined) return { key: bytes, rangeEnd: toBytes(options.rangeEnd) };
  return { key: bytes };
}

export function rangeRequest(key: BytesLike, o: GetOptions): Wire {
  return {
    ...rangeOf(key, o),
    limit: o.limit ?? 0,
    revision: o.revision ?? 0,
    sortOrder: o.sort?.order ?? 'NONE',
    sortTarget: o.sort?.target ?? 'KEY',
    serializable: o.serializable === true,
    keysOnly: o.keysOnly === true,
    countOnly: o.countOnly === true,
    minModRevision: o.minModRevision ?? 0,
    maxModRevision: o.maxModRevision ?? 0,
    minCreateRevision: o.minCreateRevision ?? 0,
    maxCreateRevision: o.maxCreateRevision ?? 0,
  };
}

export function putRequest(key: BytesLike, value: BytesLike, o: PutOptions): Wire {
  return {
    key: toBytes(key),
    value: toBytes(value),
    lease: o.lease === undefined ? 0 : long(leaseIdOf(o.lease)),
    prevKv: o.prevKv === true,
    ignoreValue: o.ignoreValue === true,
    ignoreLease: o.ignoreLease === true,
  };
}

export function deleteRequest(key: BytesLike, o: DeleteOptions): Wire {
  return { ...rangeOf(key, o), prevKv: o.prevKv === true };
}

export function getResult(w: Wire): GetResult {
  return {
    header: headerFromWire(w.header),
    kvs: kvsFromWire(w.kvs),
    more: w.more === true,
    count: int(w.count),
  };
}

export function putResult(w: Wire): PutResult {
  const prevKv = optionalKv(w.prevKv);
  const header = headerFromWire(w.header);
  return prevKv === undefined ? { header } : { header, prevKv };
}

export function deleteResult(w: Wire): DeleteResult {
  return {
    header: headerFromWire(w.header),
    deleted: int(w.deleted),
    prevKvs: kvsFromWire(w.prevKvs),
  };
}

export function txnResult(w: Wire): TxnResult {
  const responses = Array.isArray(w.responses) ? (w.responses as Wire[]) : [];
  return {
    header: headerFromWire(w.header),
    succeeded: w.succeeded === true,
    responses: responses.map(opResult),
  };
}

function opResult(w: Wire): OpResult {
  switch (w.response) {
    case 'responsePut':
      return { type: 'put', ...putResult(w.responsePut as Wire) };
    case 'responseDeleteRange':
      return { type: 'delete', ...deleteResult(w.responseDeleteRange as Wire) };
    case 'responseTxn':
      return { type: 'txn', ...txnResult(w.responseTxn as Wire) };
    default:
      return { type: 'get', ...getResult((w.responseRange ?? {}) as Wire) };
  }
}
