// etcd v3's KV, lease and event messages as the MVCC machine speaks them: the proto3 field
// names in camelCase as @grpc/proto-loader gives them with keepCase:false (so `range_end` is
// `rangeEnd`, and the lease messages keep etcd's capitals: `ID`, `TTL`, `grantedTTL`), enums
// as their proto names. Representation choices, shared with the gRPC layer:
// - keys and values are Uint8Array byte strings, ordered as unsigned bytes; an empty array is
//   proto3's "unset"; the request types take the byte type as a parameter, because the
//   machine also applies them with latin1 strings instead (ReqBytes: a logged command's
//   compact form, pack.ts);
// - revisions, versions and counts are JS numbers (int64 on the wire, but a store would need
//   2^53 writes to overflow one);
// - lease ids are bigint: etcd draws them from the whole positive int64 range;
// - optional request fields may be omitted and take proto3's default (0, false, empty).
// Response headers carry only the revision: cluster id, member id and raft term belong to the
// layer that knows them.
//
// Fault model: none (types only).

export type Bytes = Uint8Array;
/** Request bytes: a Uint8Array, or already spelled in latin1 (bytes.ts; pack.ts). */
export type ReqBytes = Uint8Array | string;

export interface ResponseHeader {
  readonly revision: number;
}

export interface KeyValue {
  readonly key: Bytes;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly value: Bytes;
  readonly lease: bigint;
}

export type EventType = 'PUT' | 'DELETE';

/** A change to one key. A DELETE's kv carries only the key and the deleting revision. */
export interface Event {
  readonly type: EventType;
  readonly kv: KeyValue;
  /** The key's value just before this revision, when it exists and is not compacted. */
  readonly prevKv?: KeyValue;
}

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest<B extends ReqBytes = Bytes> {
  readonly key: B;
  readonly rangeEnd?: B;
  readonly limit?: number;
  readonly revision?: number;
  readonly sortOrder?: SortOrder;
  readonly sortTarget?: SortTarget;
  /** Served locally without a ReadIndex; meaningless to the machine, kept for the layers. */
  readonly serializable?: boolean;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface RangeResponse {
  readonly header: ResponseHeader;
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export interface PutRequest<B extends ReqBytes = Bytes> {
  readonly key: B;
  readonly value?: B;
  readonly lease?: bigint;
  readonly prevKv?: boolean;
  readonly ignoreValue?: boolean;
  readonly ignoreLease?: boolean;
}

export interface PutResponse {
  readonly header: ResponseHeader;
  readonly prevKv?: KeyValue;
}

export interface DeleteRangeRequest<B extends ReqBytes = Bytes> {
  readonly key: B;
  readonly rangeEnd?: B;
  readonly prevKv?: boolean;
}

export interface DeleteRangeResponse {
  readonly header: ResponseHeader;
  readonly deleted: number;
  readonly prevKvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

/**
 * One guard of a Txn. The proto's `target_union` oneof becomes one optional field per target;
 * the one named by `target` is read (absent: 0, empty bytes or 0n, as etcd reads an unset one).
 */
export interface Compare<B extends ReqBytes = Bytes> {
  readonly result: CompareResult;
  readonly target: CompareTarget;
  readonly key: B;
  readonly rangeEnd?: B;
  readonly version?: number;
  readonly createRevision?: number;
  readonly modRevision?: number;
  readonly value?: B;
  readonly lease?: bigint;
}

/** The proto's `request` oneof: exactly one field should be set (none: "key not found"). */
export interface RequestOp<B extends ReqBytes = Bytes> {
  readonly requestRange?: RangeRequest<B>;
  readonly requestPut?: PutRequest<B>;
  readonly requestDeleteRange?: DeleteRangeRequest<B>;
  readonly requestTxn?: TxnRequest<B>;
}

export type ResponseOp =
  | { readonly responseRange: RangeResponse }
  | { readonly responsePut: PutResponse }
  | { readonly responseDeleteRange: DeleteRangeResponse }
  | { readonly responseTxn: TxnResponse };

export interface TxnRequest<B extends ReqBytes = Bytes> {
  readonly compare?: readonly Compare<B>[];
  readonly success?: readonly RequestOp<B>[];
  readonly failure?: readonly RequestOp<B>[];
}

export interface TxnResponse {
  readonly header: ResponseHeader;
  readonly succeeded: boolean;
  readonly responses: ResponseOp[];
}

export interface CompactionRequest {
  readonly revision: number;
  /** etcd waits for the physical deletion; this machine compacts synchronously either way. */
  readonly physical?: boolean;
}

export interface CompactionResponse {
  readonly header: ResponseHeader;
}

export interface LeaseGrantRequest {
  readonly TTL: number;
  /** Chosen by the proposer before proposing (non-zero), so every member grants the same id. */
  readonly ID: bigint;
}

export interface LeaseGrantResponse {
  readonly header: ResponseHeader;
  readonly ID: bigint;
  readonly TTL: number;
  readonly error: string;
}

export interface LeaseRevokeRequest {
  readonly ID: bigint;
}

export interface LeaseRevokeResponse {
  readonly header: ResponseHeader;
}

export interface LeaseKeepAliveRequest {
  readonly ID: bigint;
}

export interface LeaseKeepAliveResponse {
  readonly header: ResponseHeader;
  readonly ID: bigint;
  readonly TTL: number;
}

export interface LeaseTimeToLiveRequest {
  readonly ID: bigint;
  readonly keys?: boolean;
}

export interface LeaseTimeToLiveResponse {
  readonly header: ResponseHeader;
  readonly ID: bigint;
  /** Seconds left (truncated as etcd does); -1 when the lease does not exist. */
  readonly TTL: number;
  readonly grantedTTL: number;
  readonly keys: Bytes[];
}

export interface LeaseStatus {
  readonly ID: bigint;
}

export interface LeaseLeasesResponse {
  readonly header: ResponseHeader;
  readonly leases: LeaseStatus[];
}

export interface HashKVResponse {
  readonly header: ResponseHeader;
  readonly hash: number;
  readonly compactRevision: number;
}
