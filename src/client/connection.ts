// The client's connections: one gRPC channel per endpoint (created when first used), one
// active endpoint at a time, and the retry rules every call goes through.
//
// Failover and retry rules (docs/client.md):
// - A call goes to the active endpoint. When that endpoint is unreachable or answers
//   UNAVAILABLE, the client makes the next endpoint active (round robin) for later calls.
// - An idempotent call (a read, a read-only Txn, a lease keep-alive or time-to-live, a
//   member list, a status) is retried on the next endpoint, up to `RETRY_ROUNDS` times around
//   the list, within the call's deadline.
// - A write (Put, Delete, a Txn with writes, Compact, lease grant/revoke, member add/remove)
//   is sent again ONLY when it provably never left the client: the channel was not connected
//   (the client waits for a connection before sending) or grpc-js failed it for lack of one.
//   Once a write has been sent, an UNAVAILABLE answer or a broken connection leaves its
//   outcome unknown, and the error goes to the caller (retryable: true, but the caller must
//   decide — e.g. by reading the key, or by making the write a guarded Txn).
// - With `auth`, a token the server no longer accepts ('invalid auth token') is renewed once
//   and the call repeated: the server rejected it before executing anything.
//
// Fault model: endpoints may be down, slow, restarted or partitioned; each wait is bounded by
// the call's deadline and `dialTimeoutMs`. Servers are trusted to speak etcd's API; their
// errors are mapped to typed errors (errors.ts), never thrown raw.

import {
  type ChannelOptions,
  type ClientDuplexStream,
  type ClientReadableStream,
  connectivityState,
  credentials,
  Client as GrpcClient,
  Metadata,
  type MethodDefinition,
} from '@grpc/grpc-js';
import { etcdServices } from '../server/proto.js';
import { EtcdError, fromGrpc, GrpcError, isUnavailable, isUnsent } from './errors.js';
import { type BytesLike, toBytes, type Wire } from './values.js';

export interface TlsOptions {
  /** PEM of the CA that signed the servers' certificates (default: the system's roots). */
  readonly ca?: BytesLike;
  /** PEM certificate and key for client-certificate authentication. */
  readonly cert?: BytesLike;
  readonly key?: BytesLike;
}

export interface ConnectOptions {
  /** `host:port` (an `http://` or `https://` prefix is accepted and ignored). */
  readonly endpoints: readonly string[];
  readonly tls?: TlsOptions;
  /** etcd's user authentication: a token is fetched at connect and renewed when refused. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** How long connect() and each failover wait for an endpoint to accept a connection. */
  readonly dialTimeoutMs?: number;
  /** The default deadline of each unary call (none unless given). */
  readonly timeoutMs?: number;
  /** Extra grpc-js channel options (message size limits, keep-alive pings …). */
  readonly channelOptions?: ChannelOptions;
}

/** Options every call takes. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** A deadline for this call, retries included. */
  readonly timeoutMs?: number;
}

export type ServiceName =
  | 'KV'
  | 'Watch'
  | 'Lease'
  | 'Cluster'
  | 'Maintenance'
  | 'Auth'
  | 'Lock'
  | 'Election';

/** Whether a call may be repeated after an UNAVAILABLE answer (see the header). */
export type Safety = 'idempotent' | 'at-most-once';

const DEFAULT_DIAL_TIMEOUT_MS = 5_000;
/** How many times around the endpoint list an idempotent call goes before giving up. */
const RETRY_ROUNDS = 2;
const BACKOFF_MS_MIN = 25;
const BACKOFF_MS_MAX = 1_000;

/**
 * grpc-js reconnects quickly, so a restarted member is found again within about a second;
 * pings on busy connections (every 10 s, above etcd's 5 s enforcement minimum) detect a
 * member that hangs or is cut off, so watch and keep-alive streams move on.
 */
const CHANNEL_DEFAULTS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
};

interface Endpoint {
  readonly address: string;
  client: GrpcClient | undefined;
}

type AnyMethod = MethodDefinition<Wire, Wire>;

function method(service: ServiceName, name: string): AnyMethod {
  const services = etcdServices();
  // v3lock and v3election are services of their own packages (etcd's gRPC gateway protos).
  const ctor =
    service === 'Lock'
      ? services.v3lockpb.Lock
      : service === 'Election'
        ? services.v3electionpb.Election
        : services.etcdserverpb[service];
  const def = ctor?.service[name] as AnyMethod | undefined;
  if (def === undefined) throw new Error(`etcd's API has no method ${service}.${name}`);
  return def;
}

function normalizeEndpoint(endpoint: string): string {
  return endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
}

/** Sleeps `ms`, ending early (with the reason) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MS_MAX, BACKOFF_MS_MIN * 2 ** Math.min(attempt, 10));
}

export class Connection {
  private readonly endpoints: Endpoint[];
  private active = 0;
  private token: string | undefined;
  private closed = false;
  private readonly dialTimeoutMs: number;

  constructor(private readonly options: ConnectOptions) {
    if (options.endpoints.length === 0) throw new RangeError('connect: no endpoints given');
    this.endpoints = options.endpoints.map((e) => ({
      address: normalizeEndpoint(e),
      client: undefined,
    }));
    this.dialTimeoutMs = options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
  }

  /** The endpoint calls go to now. */
  get endpoint(): string {
    return (this.endpoints[this.active] as Endpoint).address;
  }

  /** Finds a reachable endpoint (in order) and authenticates; throws when none answers. */
  async open(signal?: AbortSignal): Promise<void> {
    const until = Date.now() + this.dialTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const index = this.active;
      if (await this.ready(index, until, signal)) break;
      this.failover(index);
      if (Date.now() >= until) {
        const all = this.endpoints.map((e) => e.address).join(', ');
        throw new GrpcError(14, `No connection established to any of ${all}`);
      }
      if (this.active === 0) await sleep(backoffMs(attempt), signal);
    }
    if (this.options.auth !== undefined) await this.authenticate(this.active, signal);
  }

  /** Makes the endpoint after `from` active, unless another call already moved on. */
  failover(from: number): void {
    if (this.active === from) this.active = (from + 1) % this.endpoints.length;
  }

  close(): void {
    this.closed = true;
    for (const e of this.endpoints) e.client?.close();
  }

  private client(index: number): GrpcClient {
    if (this.closed) throw new GrpcError(1, 'the client is closed');
    const endpoint = this.endpoints[index] as Endpoint;
    if (endpoint.client === undefined) {
      const tls = this.options.tls;
      const creds =
        tls === undefined
          ? credentials.createInsecure()
          : credentials.createSsl(
              tls.ca === undefined ? null : Buffer.from(toBytes(tls.ca)),
              tls.key === undefined ? null : Buffer.from(toBytes(tls.key)),
              tls.cert === undefined ? null : Buffer.from(toBytes(tls.cert)),
            );
      const options = { ...CHANNEL_DEFAULTS, ...this.options.channelOptions };
      endpoint.client = new GrpcClient(endpoint.address, creds, options);
    }
    return endpoint.client;
  }

  /**
   * Waits until endpoint `index` has a connection (true), or its connection attempt failed,
   * or `untilMs` passed (false). Nothing is sent.
   */
  private async ready(index: number, untilMs: number, signal?: AbortSignal): Promise<boolean> {
    const channel = this.client(index).getChannel();
    // One dial window per wait: recomputed in the loop, it would never run out.
    const deadline = Math.min(untilMs, Date.now() + this.dialTimeoutMs);
    // A failure counts once we saw the channel move: grpc-js may go from IDLE straight to
    // TRANSIENT_FAILURE (a refused connection), never showing CONNECTING.
    let moved = false;
    for (;;) {
      signal?.throwIfAborted();
      const state = channel.getConnectivityState(true);
      if (state === connectivityState.READY) return true;
      if (state === connectivityState.SHUTDOWN) return false;
      if (state === connectivityState.TRANSIENT_FAILURE && moved) return false;
      if (Date.now() >= deadline) return false;
      await new Promise<void>((resolve) =>
        channel.watchConnectivityState(state, deadline, () => resolve()),
      );
      moved = true;
    }
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    if (this.token !== undefined) metadata.set('token', this.token);
    return metadata;
  }

  private async authenticate(index: number, signal?: AbortSignal): Promise<void> {
    const auth = this.options.auth;
    if (auth === undefined) return;
    this.token = undefined;
    const request = { name: auth.username, password: auth.password };
    const until = Date.now() + this.dialTimeoutMs;
    const def = method('Auth', 'Authenticate');
    const reply = await this.callOnce(index, def, request, until, signal);
    this.token = typeof reply.token === 'string' ? reply.token : undefined;
  }

  /** One unary call on one endpoint, errors typed; the signal cancels it. */
  private callOnce(
    index: number,
    def: AnyMethod,
    request: Wire,
    deadlineMs: number,
    signal?: AbortSignal,
  ): Promise<Wire> {
    const client = this.client(index);
    return new Promise((resolve, reject) => {
      const options = Number.isFinite(deadlineMs) ? { deadline: deadlineMs } : {};
      const call = client.makeUnaryRequest<Wire, Wire>(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        this.metadata(),
        options,
        (error, reply) => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) reject(signal.reason);
          else if (error !== null || reply === undefined) reject(fromGrpc(error));
          else resolve(reply);
        },
      );
      const onAbort = () => call.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A unary call with the failover and retry rules of the header. */
  async unary(
    service: ServiceName,
    name: string,
    request: Wire,
    safety: Safety,
    options: CallOptions = {},
  ): Promise<Wire> {
    const def = method(service, name);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
    const maxAttempts = RETRY_ROUNDS * this.endpoints.length;
    let reauthenticated = false;
    for (let attempt = 1; ; attempt++) {
      const index = this.active;
      const exhausted = attempt >= maxAttempts || Date.now() >= deadline;
      if (!(await this.ready(index, deadline, options.signal))) {
        // Nothing was sent: any call may move on.
        this.failover(index);
        if (exhausted) throw new GrpcError(14, `No connection established to ${this.endpoint}`);
        await sleep(backoffMs(attempt), options.signal);
        continue;
      }
      try {
        return await this.callOnce(index, def, request, deadline, options.signal);
      } catch (e) {
        if (options.signal?.aborted) throw e;
        if (isUnavailable(e)) this.failover(index);
        const again = (isUnsent(e) || (safety === 'idempotent' && isUnavailable(e))) && !exhausted;
        const refused = e instanceof EtcdError && e.kind === 'invalidAuthToken';
        if (refused && this.options.auth !== undefined && !reauthenticated) {
          reauthenticated = true;
          await this.authenticate(index, options.signal);
          continue;
        }
        if (!again) throw e;
        await sleep(backoffMs(attempt), options.signal);
      }
    }
  }

  /**
   * Opens a bidirectional stream (Watch, LeaseKeepAlive) on a connected endpoint, moving on
   * while endpoints are unreachable; `index` says which, for `streamFailed`.
   */
  async duplex(
    service: ServiceName,
    name: string,
    headers: Record<string, string> = {},
  ): Promise<{ stream: ClientDuplexStream<Wire, Wire>; index: number }> {
    const def = method(service, name);
    const index = await this.connected();
    const metadata = this.metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    const stream = this.client(index).makeBidiStreamRequest<Wire, Wire>(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      metadata,
    );
    return { stream, index };
  }

  /** Opens a server stream (Snapshot) on a connected endpoint. */
  async serverStream(
    service: ServiceName,
    name: string,
    request: Wire,
    options: CallOptions = {},
  ): Promise<{ stream: ClientReadableStream<Wire>; index: number }> {
    const def = method(service, name);
    const index = await this.connected(options.signal);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const stream = this.client(index).makeServerStreamRequest<Wire, Wire>(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      request,
      this.metadata(),
      timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs },
    );
    return { stream, index };
  }

  /** The active endpoint once it is connected, failing over (and backing off) until one is. */
  private async connected(signal?: AbortSignal): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const index = this.active;
      if (await this.ready(index, Date.now() + this.dialTimeoutMs, signal)) return index;
      this.failover(index);
      await sleep(backoffMs(attempt), signal);
    }
  }

  /**
   * What a stream owner does after its stream on endpoint `index` failed with `error`
   * (already typed): 'reopen' (UNAVAILABLE: moved to the next endpoint; a refused token:
   * renewed) or 'fail'.
   */
  async streamFailed(
    index: number,
    error: unknown,
    signal?: AbortSignal,
  ): Promise<'reopen' | 'fail'> {
    if (this.closed) return 'fail';
    if (isUnavailable(error)) {
      this.failover(index);
      return 'reopen';
    }
    if (error instanceof EtcdError && error.kind === 'invalidAuthToken' && this.options.auth) {
      await this.authenticate(index, signal);
      return 'reopen';
    }
    return 'fail';
  }
}
