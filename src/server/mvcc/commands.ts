// The MVCC machine's replicated commands: what the proposer puts in the Raft log and every
// member applies in order. Commands are plain data (Uint8Array and bigint included), so the
// shared codec (core/codec.ts) carries them; after decoding, byte fields arrive as Buffers,
// which are Uint8Arrays and need no conversion. Time (`nowMs`) and lease ids are in the
// command, fixed by the proposer, so applying is deterministic.
//
// `applyCommand` turns etcd's errors into returned values (STYLE.md §8: an expected outcome is
// a value), so the Raft glue can answer the waiting client with the error and move on; any
// other throw is our bug and propagates.
//
// Fault model: commands come from our own log (validated by the proposer); the machine
// validates again anyway, so a bad command is a returned error, never a half-applied one.

import { EtcdError } from '../errors.js';
import type { MvccMachine } from './machine.js';
import type {
  Bytes,
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  PutRequest,
  PutResponse,
  ReqBytes,
  TxnRequest,
  TxnResponse,
} from './types.js';

/** A replicated write; byte fields Uint8Array, or latin1 strings once packed (pack.ts). */
export type MvccCommand<B extends ReqBytes = Bytes> =
  | { readonly type: 'put'; readonly request: PutRequest<B> }
  | { readonly type: 'deleteRange'; readonly request: DeleteRangeRequest<B> }
  | { readonly type: 'txn'; readonly request: TxnRequest<B> }
  | { readonly type: 'compact'; readonly request: CompactionRequest }
  | { readonly type: 'leaseGrant'; readonly request: LeaseGrantRequest; readonly nowMs: number }
  | { readonly type: 'leaseRevoke'; readonly request: LeaseRevokeRequest }
  | {
      readonly type: 'leaseKeepAlive';
      readonly request: LeaseKeepAliveRequest;
      readonly nowMs: number;
    };

export interface MvccCommandResponses {
  readonly put: PutResponse;
  readonly deleteRange: DeleteRangeResponse;
  readonly txn: TxnResponse;
  readonly compact: CompactionResponse;
  readonly leaseGrant: LeaseGrantResponse;
  readonly leaseRevoke: LeaseRevokeResponse;
  readonly leaseKeepAlive: LeaseKeepAliveResponse;
}

export type MvccCommandResult<T extends MvccCommand['type'] = MvccCommand['type']> =
  | { readonly ok: true; readonly response: MvccCommandResponses[T]; readonly events: Event[] }
  | { readonly ok: false; readonly error: EtcdError };

function run(m: MvccMachine, c: MvccCommand<ReqBytes>): { response: unknown; events: Event[] } {
  switch (c.type) {
    case 'put':
      return m.put(c.request);
    case 'deleteRange':
      return m.deleteRange(c.request);
    case 'txn':
      return m.txn(c.request);
    case 'compact':
      return { response: m.compact(c.request), events: [] };
    case 'leaseGrant':
      return { response: m.leaseGrant(c.request, c.nowMs), events: [] };
    case 'leaseRevoke':
      return m.leaseRevoke(c.request);
    case 'leaseKeepAlive':
      return { response: m.leaseKeepAlive(c.request, c.nowMs), events: [] };
  }
}

/** Applies one committed command; etcd's errors come back as `{ ok: false }`. */
export function applyCommand<C extends MvccCommand<ReqBytes>>(
  m: MvccMachine,
  command: C,
): MvccCommandResult<C['type']> {
  try {
    const { response, events } = run(m, command);
    return { ok: true, response: response as MvccCommandResponses[C['type']], events };
  } catch (error) {
    if (error instanceof EtcdError) return { ok: false, error };
    throw error;
  }
}
