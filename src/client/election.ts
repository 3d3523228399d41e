// Elections over etcd's v3election service (Campaign, Proclaim, Leader, Observe, Resign),
// which runs clientv3's Election recipe inside the server: a candidate's key is
// `name/<lease hex>` attached to its lease, and the leader is the key under `name/` with the
// lowest create revision. Campaign answers once the candidate leads, with its LeaderKey
// (name, key, create revision, lease) — the proof Proclaim and Resign take, which act only
// while that very key still exists. This is the thin RPC layer; issue 17's election recipe
// is built on it.
//
// Retry rules: Campaign, Proclaim and Resign are writes (connection.ts: never resent once
// they may have reached a server); a Campaign repeated with the same lease keeps its place.
// Aborting a waiting Campaign cancels it and the server resigns it (etcd does the same).
// Leader is a read (retried on the next endpoint). Observe resumes by itself: when its stream
// breaks (UNAVAILABLE, or the server ends it, which etcd does when its read or watch fails),
// it reopens on the next endpoint with backoff, and the server starts again from the current
// leader; a repeat of the last reported state is skipped, so nothing is reported twice, but
// proclamations made while no stream was open may be missed (Observe has no start revision).
//
// Fault model: servers speak etcd's API; the recipe's own errors ("election: not leader",
// "election: no leader", gRPC UNKNOWN as etcd sends them) become ElectionError, the rest are
// typed by errors.ts. An Observe consumer that stops reading pauses its stream (the readable
// side's buffer is bounded; gRPC flow control holds the server back).

import type { ClientReadableStream } from '@grpc/grpc-js';
import { backoffMs, type CallOptions, type Connection, sleep } from './connection.js';
import { fromGrpc, GrpcError } from './errors.js';
import {
  type BytesLike,
  big,
  type Header,
  headerFromWire,
  int,
  type KeyValue,
  type LeaseRef,
  leaseIdOf,
  long,
  optionalKv,
  toBytes,
  type Wire,
} from './values.js';

/** The key a leader holds: what Proclaim and Resign need (etcd's LeaderKey). */
export interface LeaderKey {
  readonly name: Uint8Array;
  readonly key: Uint8Array;
  /** The key's create revision: the leadership's identity (and a fencing token). */
  readonly rev: number;
  readonly lease: bigint;
}

/** Campaign's answer: the leader key, and the header of the read that made it leader. */
export interface Leadership extends LeaderKey {
  readonly header: Header;
}

/** The leader as Leader and Observe report it: its key-value (the value it proclaimed). */
export interface LeaderState {
  readonly header: Header;
  readonly kv: KeyValue;
}

export interface CampaignOptions extends CallOptions {
  /** The lease the candidacy lives under (required, as for locks: see lock.ts). */
  readonly lease: LeaseRef;
}

/** The recipe's own errors, as etcd's clientv3/concurrency names them. */
export type ElectionErrorKind = 'notLeader' | 'noLeader';

const ELECTION_ERRORS: Readonly<Record<string, ElectionErrorKind>> = {
  'election: not leader': 'notLeader',
  'election: no leader': 'noLeader',
};

/** Proclaim by a leader that lost its key ('notLeader'), Leader with nobody campaigning. */
export class ElectionError extends Error {
  override readonly name = 'ElectionError';
  readonly retryable = false;

  constructor(
    readonly kind: ElectionErrorKind,
    options?: { readonly cause?: unknown },
  ) {
    super(kind === 'notLeader' ? 'election: not leader' : 'election: no leader', options);
  }
}

function typed(e: unknown): unknown {
  if (!(e instanceof GrpcError) || e.code !== 'UNKNOWN') return e;
  const kind = ELECTION_ERRORS[e.details];
  return kind === undefined ? e : new ElectionError(kind, { cause: e });
}

function leaderKeyToWire(leader: LeaderKey): Wire {
  return { name: leader.name, key: leader.key, rev: leader.rev, lease: long(leader.lease) };
}

function leaderState(w: Wire): LeaderState | undefined {
  const kv = optionalKv(w.kv);
  return kv === undefined ? undefined : { header: headerFromWire(w.header), kv };
}

const sameState = (a: KeyValue, b: KeyValue): boolean =>
  a.createRevision === b.createRevision &&
  a.modRevision === b.modRevision &&
  Buffer.from(a.key).equals(b.key);

/** Election calls of one client. */
export class Election {
  /** Open Observe streams, cancelled by close(). */
  private readonly observing = new Set<ClientReadableStream<Wire>>();
  private closed = false;

  constructor(private readonly connection: Connection) {}

  /** Waits until this candidate (its lease) leads election `name`, proclaiming `value`. */
  async campaign(name: BytesLike, value: BytesLike, options: CampaignOptions): Promise<Leadership> {
    const lease = leaseIdOf(options.lease);
    if (lease <= 0n) throw new RangeError(`campaign: lease id must be positive (got ${lease})`);
    const request = { name: toBytes(name), value: toBytes(value), lease: long(lease) };
    const w = await this.call('Campaign', request, 'at-most-once', options);
    const l = (w.leader ?? {}) as Wire;
    const bytes = (x: unknown) => (x instanceof Uint8Array ? x : new Uint8Array(0));
    return {
      header: headerFromWire(w.header),
      name: bytes(l.name),
      key: bytes(l.key),
      rev: int(l.rev),
      lease: big(l.lease),
    };
  }

  /** A new value from the leader; ElectionError 'notLeader' once its key is gone. */
  async proclaim(leader: LeaderKey, value: BytesLike, options?: CallOptions): Promise<Header> {
    const request = { leader: leaderKeyToWire(leader), value: toBytes(value) };
    const w = await this.call('Proclaim', request, 'at-most-once', options);
    return headerFromWire(w.header);
  }

  /** The current leader; ElectionError 'noLeader' when nobody campaigns. */
  async leader(name: BytesLike, options?: CallOptions): Promise<LeaderState> {
    const w = await this.call('Leader', { name: toBytes(name) }, 'idempotent', options);
    const state = leaderState(w);
    if (state === undefined) throw new ElectionError('noLeader');
    return state;
  }

  /** Gives up leadership (deletes the key if it is still this leader's; else nothing). */
  async resign(leader: LeaderKey, options?: CallOptions): Promise<Header> {
    const request = { leader: leaderKeyToWire(leader) };
    const w = await this.call('Resign', request, 'at-most-once', options);
    return headerFromWire(w.header);
  }

  /**
   * The leader of `name`, then every value it proclaims and every later leader, in order:
   * `for await (const { kv } of client.election.observe('e', { signal })) …`. Waits for a
   * first candidate when there is none. Resumes after a broken stream (see the header).
   */
  async *observe(
    name: BytesLike,
    options: { readonly signal?: AbortSignal } = {},
  ): AsyncGenerator<LeaderState> {
    const { signal } = options;
    const request = { name: toBytes(name) };
    let last: KeyValue | undefined;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      if (this.closed) throw new GrpcError(1, 'the client is closed');
      // No deadline: the client's default call deadline is for unary calls, not this stream.
      const { stream, index } = await this.connection.serverStream('Election', 'Observe', request, {
        timeoutMs: Number.POSITIVE_INFINITY,
        ...(signal === undefined ? {} : { signal }),
      });
      this.observing.add(stream);
      const onAbort = () => stream.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      let error: unknown = new GrpcError(14, 'the observe stream ended');
      try {
        for await (const w of stream as AsyncIterable<Wire>) {
          const state = leaderState(w);
          if (state === undefined) continue;
          attempt = 0;
          if (last !== undefined && sameState(last, state.kv)) continue; // Resumed: seen.
          last = state.kv;
          yield state;
        }
      } catch (e) {
        error = fromGrpc(e);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        this.observing.delete(stream);
        stream.cancel();
      }
      signal?.throwIfAborted();
      if (this.closed) throw new GrpcError(1, 'the client is closed');
      if ((await this.connection.streamFailed(index, error, signal)) === 'fail') throw error;
      await sleep(backoffMs(attempt), signal);
    }
  }

  /** Ends every Observe stream (their iterators throw 'the client is closed'). */
  close(): void {
    this.closed = true;
    for (const stream of this.observing) stream.cancel();
    this.observing.clear();
  }

  private async call(
    method: string,
    request: Wire,
    safety: 'idempotent' | 'at-most-once',
    options: CallOptions = {},
  ): Promise<Wire> {
    try {
      return await this.connection.unary('Election', method, request, safety, options);
    } catch (e) {
      throw typed(e);
    }
  }
}
