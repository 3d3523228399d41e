// A write command's compact form, made by the proposer before it enters the Raft log: keys,
// range ends and values spelled as latin1 strings (bytes.ts), and fields at their proto3
// default (false, 0n, empty bytes) left out. The log keeps every command until a snapshot
// covers it (thousands of them: member.ts snapshotEntries) and the WAL keeps their encoding,
// so a command's size is paid two or three times over: a decoded Put held a Buffer view per
// key and value (about 100 bytes of object each, plus the whole gRPC message they point
// into) where a one-byte string costs 16 bytes and its characters, and the store applying
// the command keeps the very same strings (toLatin1 passes a string through), so a value
// lives once however many copies of the command exist. Applying a packed command gives the
// same result as applying the original: the machine reads an absent field as its default.
//
// Fault model: none (pure; the input is a command the proposer built from a checked gRPC
// request, and the machine validates the packed one again when it applies it).

import { toLatin1 } from './bytes.js';
import type { MvccCommand } from './commands.js';
import type {
  Compare,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  ReqBytes,
  RequestOp,
  TxnRequest,
} from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const isSet = (bytes: ReqBytes | undefined): bytes is ReqBytes =>
  bytes !== undefined && bytes.length > 0;

function packPut(p: PutRequest<ReqBytes>): PutRequest<string> {
  // The common put made in one literal: a property added later would cost the object a
  // separate property array (about 40 bytes) for as long as the log holds it.
  const key = toLatin1(p.key);
  const out: Mutable<PutRequest<string>> = isSet(p.value)
    ? { key, value: toLatin1(p.value) }
    : { key };
  if (p.lease !== undefined && p.lease !== 0n) out.lease = p.lease;
  if (p.prevKv === true) out.prevKv = true;
  if (p.ignoreValue === true) out.ignoreValue = true;
  if (p.ignoreLease === true) out.ignoreLease = true;
  return out;
}

function packDeleteRange(d: DeleteRangeRequest<ReqBytes>): DeleteRangeRequest<string> {
  const out: Mutable<DeleteRangeRequest<string>> = { key: toLatin1(d.key) };
  if (isSet(d.rangeEnd)) out.rangeEnd = toLatin1(d.rangeEnd);
  if (d.prevKv === true) out.prevKv = true;
  return out;
}

/** A range inside a txn keeps its other fields (rare in the log; only its bytes are respelled). */
function packRange(r: RangeRequest<ReqBytes>): RangeRequest<string> {
  const { key, rangeEnd, ...rest } = r;
  const out: Mutable<RangeRequest<string>> = { ...rest, key: toLatin1(key) };
  if (isSet(rangeEnd)) out.rangeEnd = toLatin1(rangeEnd);
  return out;
}

function packCompare(c: Compare<ReqBytes>): Compare<string> {
  const { key, rangeEnd, value, ...rest } = c;
  const out: Mutable<Compare<string>> = { ...rest, key: toLatin1(key) };
  if (isSet(rangeEnd)) out.rangeEnd = toLatin1(rangeEnd);
  if (value !== undefined) out.value = toLatin1(value);
  return out;
}

/** One literal per kind of op (an object given its property later costs more: see packPut). */
function packOp(op: RequestOp<ReqBytes>): RequestOp<string> {
  const { requestRange, requestPut, requestDeleteRange, requestTxn } = op;
  const set = [requestRange, requestPut, requestDeleteRange, requestTxn].filter(
    (x) => x !== undefined,
  ).length;
  if (set === 1 && requestPut !== undefined) return { requestPut: packPut(requestPut) };
  if (set === 1 && requestDeleteRange !== undefined)
    return { requestDeleteRange: packDeleteRange(requestDeleteRange) };
  // Ranges and nested txns are rare in the log; an op with several fields (not from gRPC,
  // whose oneof sets one) keeps them all, so the machine sees what it would have seen.
  const out: Mutable<RequestOp<string>> = {};
  if (requestRange !== undefined) out.requestRange = packRange(requestRange);
  if (requestPut !== undefined) out.requestPut = packPut(requestPut);
  if (requestDeleteRange !== undefined)
    out.requestDeleteRange = packDeleteRange(requestDeleteRange);
  if (requestTxn !== undefined) out.requestTxn = packTxn(requestTxn);
  return out;
}

function packTxn(t: TxnRequest<ReqBytes>): TxnRequest<string> {
  const out: Mutable<TxnRequest<string>> = {};
  if (t.compare !== undefined && t.compare.length > 0) out.compare = t.compare.map(packCompare);
  if (t.success !== undefined && t.success.length > 0) out.success = t.success.map(packOp);
  if (t.failure !== undefined && t.failure.length > 0) out.failure = t.failure.map(packOp);
  return out;
}

/** The command to log in place of `command` (same outcome when applied; see the header). */
export function packCommand(command: MvccCommand<ReqBytes>): MvccCommand<string> {
  switch (command.type) {
    case 'put':
      return { type: 'put', request: packPut(command.request) };
    case 'deleteRange':
      return { type: 'deleteRange', request: packDeleteRange(command.request) };
    case 'txn':
      return { type: 'txn', request: packTxn(command.request) };
    default:
      return command;
  }
}
