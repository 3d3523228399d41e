// Leases: grant, revoke, time-to-live, list, and keep-alive. Lease ids are bigints (etcd
// draws them from the whole int64 range). Every keep-alive of a client shares ONE gRPC
// LeaseKeepAlive stream; each lease is renewed at a third of its TTL (the TTL the last
// renewal reported), as etcd's clientv3 does.
//
// A KeepAlive is lost — its `signal` aborts with a LeaseLostError and it emits 'lost' — when
// the server answers a renewal with TTL 0 (the lease was revoked or had expired: 'not-found'),
// or when the lease's TTL runs out since the last renewal that got through ('expired'; the
// client's own clock decides, so it may call a lease lost slightly before the server expires
// it, never after), or when the stream fails with a non-transient error ('error').
//
// Fault model: keep-alives are idempotent, so a broken stream (UNAVAILABLE) is reopened on the
// next endpoint with backoff and every lease is renewed at once; renewals that do not get
// through within the TTL lose the lease. Grant and revoke are writes (never resent once they
// may have reached a server; connection.ts).

import { EventEmitter } from 'node:events';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { backoffMs, type CallOptions, type Connection, sleep } from './connection.js';
import { fromGrpc, GrpcError, LeaseLostError } from './errors.js';
import { discard, IdleClose } from './idle-close.js';
import {
  big,
  type Header,
  headerFromWire,
  int,
  type LeaseRef,
  leaseIdOf,
  long,
  type Wire,
} from './values.js';

export interface TimeToLive {
  readonly header: Header;
  readonly id: bigint;
  /** Seconds left; -1 when the lease does not exist (expired or revoked). */
  readonly ttl: number;
  readonly grantedTtl: number;
  /** The attached keys, when asked for. */
  readonly keys: Uint8Array[];
}

/** A granted lease. */
export class Lease {
  constructor(
    private readonly leases: Leases,
    readonly id: bigint,
    /** The TTL the server granted, in seconds. */
    readonly ttl: number,
  ) {}

  revoke(options?: CallOptions): Promise<Header> {
    return this.leases.revoke(this.id, options);
  }

  timeToLive(options?: CallOptions & { readonly keys?: boolean }): Promise<TimeToLive> {
    return this.leases.timeToLive(this.id, options);
  }

  /** Starts renewing the lease until `stop()` or until it is lost (see the header). */
  keepAlive(): KeepAlive {
    return this.leases.keepAlive(this.id);
  }
}

/**
 * A running keep-alive. Events: 'renewed' (ttl seconds), 'lost' (LeaseLostError), once.
 * `signal` aborts, with the LeaseLostError as its reason, when the lease is lost: pass it to
 * the work the lease guards.
 */
export class KeepAlive extends EventEmitter {
  /** The TTL the last renewal reported, in seconds (0 before the first). */
  ttl = 0;
  private readonly controller = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly hub: KeepAliveHub,
    readonly id: bigint,
  ) {
    super();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops renewing (the lease then lives out its TTL, unless revoked). Not a loss. */
  stop(): void {
    this.done = true;
    this.clearTimers();
    this.hub.remove(this);
  }

  /** A renewal reply. */
  renewed(ttl: number, nowMs: number): void {
    if (this.done) return;
    if (ttl <= 0) return this.lose(new LeaseLostError(this.id, 'not-found'));
    this.ttl = ttl;
    this.clearTimers();
    // A third of the TTL, as clientv3: two more renewals can fail before the lease expires.
    this.renewTimer = setTimeout(() => this.hub.send(this), Math.max(1, (ttl * 1000) / 3));
    const left = nowMs + ttl * 1000 - Date.now();
    this.expiryTimer = setTimeout(
      () => this.lose(new LeaseLostError(this.id, 'expired')),
      Math.max(0, left),
    );
    this.emit('renewed', ttl);
  }

  lose(error: LeaseLostError): void {
    if (this.done) return;
    this.done = true;
    this.clearTimers();
    this.hub.remove(this);
    this.controller.abort(error);
    this.emit('lost', error);
  }

  private clearTimers(): void {
    clearTimeout(this.renewTimer);
    clearTimeout(this.expiryTimer);
  }
}

/** The shared LeaseKeepAlive stream of one client. */
export class KeepAliveHub {
  private stream: ClientDuplexStream<Wire, Wire> | undefined;
  private opening = false;
  /** Short-lived keep-alives (a lock acquire renews its lease once) share one stream. */
  private readonly idle = new IdleClose(() => this.closeIfIdle());
  private readonly keepers = new Map<string, KeepAlive>();
  /** When each lease's last request was sent: a reply's TTL counts from then. */
  private readonly sentAt = new Map<string, number>();
  private closed = false;

  constructor(private readonly connection: Connection) {}

  add(id: bigint): KeepAlive {
    const keeper = new KeepAlive(this, id);
    if (this.closed) {
      keeper.lose(new LeaseLostError(id, 'error', { cause: new GrpcError(1, 'client closed') }));
      return keeper;
    }
    this.keepers.get(id.toString())?.stop(); // One keep-alive per lease.
    this.keepers.set(id.toString(), keeper);
    this.idle.busy();
    this.send(keeper);
    return keeper;
  }

  remove(keeper: KeepAlive): void {
    const key = keeper.id.toString();
    if (this.keepers.get(key) !== keeper) return;
    this.keepers.delete(key);
    this.sentAt.delete(key);
    if (this.keepers.size === 0) this.idle.idle();
  }

  private closeIfIdle(): void {
    if (this.keepers.size > 0) return;
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
  }

  /** Sends one renewal request (opening the stream if needed; it renews everyone). */
  send(keeper: KeepAlive): void {
    if (this.stream === undefined) {
      if (!this.opening) void this.open(0);
      return;
    }
    const key = keeper.id.toString();
    if (!this.sentAt.has(key)) this.sentAt.set(key, Date.now());
    this.stream.write({ ID: long(keeper.id) });
  }

  close(): void {
    this.closed = true;
    for (const keeper of [...this.keepers.values()]) keeper.stop();
    this.idle.busy();
    this.stream?.cancel();
    this.stream = undefined;
  }

  private async open(attempt: number): Promise<void> {
    this.opening = true;
    try {
      if (attempt > 0) await sleep(backoffMs(attempt));
      if (this.closed || this.keepers.size === 0) return;
      const { stream, index } = await this.connection.duplex('Lease', 'LeaseKeepAlive');
      // Closed meanwhile, or another open won the race (a reopen after a failure and a new
      // keep-alive's first open can overlap): one stream per hub.
      if (this.closed || this.stream !== undefined) {
        discard(stream);
        return;
      }
      this.stream = stream;
      if (this.keepers.size === 0) this.idle.idle(); // Every keeper left while it opened.
      stream.on('data', (w: Wire) => this.onReply(stream, w));
      stream.on('error', (e: unknown) => void this.onBroken(stream, index, fromGrpc(e), attempt));
      stream.on(
        'end',
        () => void this.onBroken(stream, index, new GrpcError(14, 'ended'), attempt),
      );
    } catch (e) {
      if (!this.closed) this.loseAll(e);
      return;
    } finally {
      this.opening = false;
    }
    this.sentAt.clear();
    for (const keeper of this.keepers.values()) this.send(keeper);
  }

  private onReply(stream: ClientDuplexStream<Wire, Wire>, w: Wire): void {
    if (stream !== this.stream) return;
    const key = big(w.ID).toString();
    const keeper = this.keepers.get(key);
    if (keeper === undefined) return;
    const sentAt = this.sentAt.get(key) ?? Date.now();
    this.sentAt.delete(key);
    keeper.renewed(int(w.TTL), sentAt);
  }

  private async onBroken(
    stream: ClientDuplexStream<Wire, Wire>,
    index: number,
    error: unknown,
    attempt: number,
  ): Promise<void> {
    if (stream !== this.stream) return;
    this.stream = undefined;
    if (this.keepers.size === 0) return;
    const decision = await this.connection.streamFailed(index, error).catch(() => 'fail' as const);
    if (decision === 'fail') return this.loseAll(error);
    // Each keeper's expiry timer still runs: renewals that do not get through lose the lease.
    if (!this.opening) void this.open(attempt + 1);
  }

  private loseAll(error: unknown): void {
    for (const keeper of [...this.keepers.values()]) {
      keeper.lose(new LeaseLostError(keeper.id, 'error', { cause: error }));
    }
  }
}

/** Lease calls of one client. */
export class Leases {
  private readonly hub: KeepAliveHub;

  constructor(private readonly connection: Connection) {
    this.hub = new KeepAliveHub(connection);
  }

  /** Grants a lease of `ttlSeconds` (the server may raise it to its minimum TTL). */
  async grant(ttlSeconds: number, options: CallOptions & { readonly id?: bigint } = {}) {
    const request = { TTL: ttlSeconds, ID: long(options.id ?? 0n) };
    const reply = await this.connection.unary(
      'Lease',
      'LeaseGrant',
      request,
      'at-most-once',
      options,
    );
    return new Lease(this, big(reply.ID), int(reply.TTL));
  }

  /** Revokes a lease, deleting its keys. */
  async revoke(lease: LeaseRef, options?: CallOptions): Promise<Header> {
    const request = { ID: long(leaseIdOf(lease)) };
    const reply = await this.connection.unary(
      'Lease',
      'LeaseRevoke',
      request,
      'at-most-once',
      options,
    );
    return headerFromWire(reply.header);
  }

  async timeToLive(
    lease: LeaseRef,
    options: CallOptions & { readonly keys?: boolean } = {},
  ): Promise<TimeToLive> {
    const request = { ID: long(leaseIdOf(lease)), keys: options.keys === true };
    const w = await this.connection.unary(
      'Lease',
      'LeaseTimeToLive',
      request,
      'idempotent',
      options,
    );
    return {
      header: headerFromWire(w.header),
      id: big(w.ID),
      ttl: int(w.TTL),
      grantedTtl: int(w.grantedTTL),
      keys: Array.isArray(w.keys) ? (w.keys as Uint8Array[]) : [],
    };
  }

  /** The ids of every lease the cluster holds. */
  async list(options?: CallOptions): Promise<bigint[]> {
    const w = await this.connection.unary('Lease', 'LeaseLeases', {}, 'idempotent', options);
    return Array.isArray(w.leases) ? (w.leases as Wire[]).map((l) => big(l.ID)) : [];
  }

  keepAlive(lease: LeaseRef): KeepAlive {
    return this.hub.add(leaseIdOf(lease));
  }

  close(): void {
    this.hub.close();
  }
}
