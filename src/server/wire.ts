// Between gRPC's decoded messages (proto.ts: 64-bit integers as decimal strings, unset fields
// as proto3 defaults, oneofs named by a virtual field) and the MVCC machine's types
// (mvcc/types.ts: revisions as numbers, lease ids as bigints). Requests come in through
// `…FromWire`; responses go out through `…ToWire`, which turns bigints back into decimal
// strings (protobufjs cannot encode a bigint) and adds etcd's response header.
//
// Fault model: requests are untrusted, but proto-loader has already decoded them into the
// declared field types; what is left to check (an empty key, too many ops …) is the
// machine's request validation (mvcc/), shared by every layer.

import type {
  Compare,
  CompareResult,
  CompareTarget,
  DeleteRangeRequest,
  Event,
  KeyValue,
  PutRequest,
  RangeRequest,
  RequestOp,
  ResponseOp,
  SortOrder,
  SortTarget,
  TxnRequest,
} from './mvcc/types.js';

/** A decoded protobuf message: fields by camelCase name. */
export type Wire = Record<string, unknown>;

const EMPTY = new Uint8Array(0);

function bytes(x: unknown): Uint8Array {
  return x instanceof Uint8Array ? x : EMPTY;
}

/** An int64 field (a decimal string from proto-loader, or a number) as a JS number. */
export function int(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x !== '') return Number(x);
  return 0;
}

/** An int64 field as a bigint (lease ids use the whole range). */
export function big(x: unknown): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number' && Number.isSafeInteger(x)) return BigInt(x);
  if (typeof x === 'string' && /^-?\d+$/.test(x)) return BigInt(x);
  return 0n;
}

/** A bigint for protobufjs: a number when exactly representable, else its decimal string. */
export function long(x: bigint): number | string {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x.toString();
}

function str<T extends string>(x: unknown, fallback: T): T {
  return (typeof x === 'string' ? x : fallback) as T;
}

export function rangeFromWire(w: Wire): RangeRequest {
  return {
    key: bytes(w.key),
    rangeEnd: bytes(w.rangeEnd),
    limit: int(w.limit),
    revision: int(w.revision),
    sortOrder: str<SortOrder>(w.sortOrder, 'NONE'),
    sortTarget: str<SortTarget>(w.sortTarget, 'KEY'),
    serializable: w.serializable === true,
    keysOnly: w.keysOnly === true,
    countOnly: w.countOnly === true,
    minModRevision: int(w.minModRevision),
    maxModRevision: int(w.maxModRevision),
    minCreateRevision: int(w.minCreateRevision),
    maxCreateRevision: int(w.maxCreateRevision),
  };
}

export function putFromWire(w: Wire): PutRequest {
  return {
    key: bytes(w.key),
    value: bytes(w.value),
    lease: big(w.lease),
    prevKv: w.prevKv === true,
    ignoreValue: w.ignoreValue === true,
    ignoreLease: w.ignoreLease === true,
  };
}

export function deleteRangeFromWire(w: Wire): DeleteRangeRequest {
  return { key: bytes(w.key), rangeEnd: bytes(w.rangeEnd), prevKv: w.prevKv === true };
}

function compareFromWire(w: Wire): Compare {
  const target = str<CompareTarget>(w.target, 'VERSION');
  const base = {
    result: str<CompareResult>(w.result, 'EQUAL'),
    target,
    key: bytes(w.key),
    rangeEnd: bytes(w.rangeEnd),
  };
  // The oneof `target_union`: only the member `target` names is read (unset reads as zero).
  switch (target) {
    case 'VERSION':
      return { ...base, version: int(w.version) };
    case 'CREATE':
      return { ...base, createRevision: int(w.createRevision) };
    case 'MOD':
      return { ...base, modRevision: int(w.modRevision) };
    case 'VALUE':
      return { ...base, value: bytes(w.value) };
    case 'LEASE':
      return { ...base, lease: big(w.lease) };
  }
  return base;
}

function requestOpFromWire(w: Wire): RequestOp {
  switch (w.request) {
    case 'requestRange':
      return { requestRange: rangeFromWire(w.requestRange as Wire) };
    case 'requestPut':
      return { requestPut: putFromWire(w.requestPut as Wire) };
    case 'requestDeleteRange':
      return { requestDeleteRange: deleteRangeFromWire(w.requestDeleteRange as Wire) };
    case 'requestTxn':
      return { requestTxn: txnFromWire(w.requestTxn as Wire) };
    default:
      return {};
  }
}

const list = (x: unknown): Wire[] => (Array.isArray(x) ? (x as Wire[]) : []);

export function txnFromWire(w: Wire): TxnRequest {
  return {
    compare: list(w.compare).map(compareFromWire),
    success: list(w.success).map(requestOpFromWire),
    failure: list(w.failure).map(requestOpFromWire),
  };
}

// ---- Responses ---------------------------------------------------------------------------

/** etcd's ResponseHeader: who answered, at which revision and raft term. */
export interface Header {
  readonly clusterId: bigint;
  readonly memberId: bigint;
  readonly revision: number;
  readonly raftTerm: number;
}

export function headerToWire(h: Header): Wire {
  return {
    clusterId: long(h.clusterId),
    memberId: long(h.memberId),
    revision: h.revision,
    raftTerm: h.raftTerm,
  };
}

export function kvToWire(kv: KeyValue): Wire {
  return kv.lease === 0n ? (kv as unknown as Wire) : { ...kv, lease: long(kv.lease) };
}

export function eventToWire(e: Event): Wire {
  const out: Wire = { type: e.type, kv: kvToWire(e.kv) };
  if (e.prevKv !== undefined) out.prevKv = kvToWire(e.prevKv);
  return out;
}

/**
 * A machine response whose header is replaced by etcd's full one, with every KeyValue's
 * lease made encodable.
 */
export function responseToWire(response: Wire, header: Wire): Wire {
  const out: Wire = { ...response, header };
  if (Array.isArray(response.kvs)) out.kvs = (response.kvs as KeyValue[]).map(kvToWire);
  if (Array.isArray(response.prevKvs)) out.prevKvs = (response.prevKvs as KeyValue[]).map(kvToWire);
  if (response.prevKv !== undefined && response.prevKv !== null)
    out.prevKv = kvToWire(response.prevKv as KeyValue);
  if (Array.isArray(response.responses))
    out.responses = (response.responses as ResponseOp[]).map(responseOpToWire);
  if (typeof response.ID === 'bigint') out.ID = long(response.ID);
  return out;
}

/** A Txn's inner responses keep the machine's own header (the revision only), as etcd's do. */
function responseOpToWire(op: ResponseOp): Wire {
  const [name, body] = Object.entries(op)[0] as [string, Wire];
  return { [name]: responseToWire(body, body.header as Wire) };
}
