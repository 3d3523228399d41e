// The auth gate in front of etcd's other services (registered by grpc/services.ts): each
// method is wrapped by name with the check etcd v3.4 makes for it (etcdserver/v3_server.go,
// apply_auth.go, api/v3rpc/watch.go and maintenance.go, learnt from), so kv.ts, lease.ts …
// stay unaware of auth:
//   - the request's `token` metadata is resolved to a user (tokens.ts); a token this member
//     does not know is "invalid auth token", even with auth disabled, as in etcd;
//   - Range/Put/DeleteRange/Txn need READ/WRITE on their keys (prev_kv needs READ; a lease
//     attached or revoked needs WRITE on every key of that lease); Txn checks its compares
//     and every op, nested Txns included (etcd v3.4 skips nested ones: we do not);
//   - Defragment, Hash, HashKV, Snapshot and membership changes need the root role (the
//     Maintenance ones answer the auth store's raw error, gRPC UNKNOWN, as etcd does);
//   - Lock/Campaign need READ and WRITE on `name/<lease hex>` and READ under `name/`,
//     Unlock/Proclaim/Resign WRITE (and READ) on their key, Leader/Observe READ under `name/`;
//   - Compact, LeaseGrant and Alarm only need a valid token if one is sent;
//   - a watch on keys the user may not read is created and cancelled at once, with etcd's
//     reason; Status, MemberList, lease TTL/keep-alive queries are not checked (etcd: same).
// A request the handler would refuse anyway (an empty key …) is passed through unchecked, so
// that error comes first, as in etcd. A Range whose answer raced an auth change is refused
// with "revision of auth store is old" (etcd's doSerialize).
//
// Difference from etcd, on purpose: etcd checks writes again when it APPLIES them; here they
// are checked by the member that receives them, against its applied auth store — a write
// racing the revocation of its permission can still apply.
//
// Fault model: metadata and requests are untrusted; every refusal is etcd's error.

import {
  type Metadata,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EtcdError, type EtcdErrorKind } from '../errors.js';
import type { EtcdServer } from '../etcd-server.js';
import { type GrpcStatus, goStatusText, toStatus } from '../grpc/call.js';
import { prefixEnd, recipePrefix, sessionKey } from '../grpc/recipes.js';
import type { ServerMachine } from '../machine.js';
import {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkRangeRequest,
  checkTxnRequest,
  type RequestOp,
  type TxnRequest,
} from '../mvcc/index.js';
import {
  big,
  deleteRangeFromWire,
  putFromWire,
  rangeFromWire,
  txnFromWire,
  type Wire,
} from '../wire.js';
import { type AuthInfo, type AuthStore, NO_AUTH } from './store.js';
import type { TokenManager } from './tokens.js';

const EMPTY = new Uint8Array(0);
const NUL = new Uint8Array([0]);

/**
 * What a method needs: a check of its decoded request, a valid token if sent, or the root
 * role — `rawAdmin` for Maintenance, where etcd answers the auth store's own error unmapped
 * (gRPC UNKNOWN, "auth: permission denied" …).
 */
type Need =
  | 'token'
  | 'admin'
  | 'rawAdmin'
  | ((gate: AuthGate, info: AuthInfo, request: Wire) => void);

/** etcd's auth package errors, as Maintenance answers them (codes.Unknown). */
const RAW_AUTH_ERRORS: Partial<Record<EtcdErrorKind, string>> = {
  userEmpty: 'auth: user name is empty',
  userNotFound: 'auth: user not found',
  permissionDenied: 'auth: permission denied',
  invalidAuthToken: 'auth: invalid auth token',
};

/** Whether the handler will refuse `request` by itself (then it is not checked here). */
function invalid(validate: () => void): boolean {
  try {
    validate();
    return false;
  } catch {
    return true;
  }
}

function checkOps(gate: AuthGate, info: AuthInfo, ops: readonly RequestOp[] | undefined): void {
  const store = gate.store;
  for (const op of ops ?? []) {
    if (op.requestRange !== undefined)
      store.checkRange(info, 'READ', op.requestRange.key, op.requestRange.rangeEnd ?? EMPTY);
    if (op.requestPut !== undefined) {
      store.checkRange(info, 'WRITE', op.requestPut.key, EMPTY);
    }
    if (op.requestDeleteRange !== undefined) {
      const d = op.requestDeleteRange;
      if (d.prevKv === true) store.checkRange(info, 'READ', d.key, d.rangeEnd ?? EMPTY);
      store.checkRange(info, 'WRITE', d.key, d.rangeEnd ?? EMPTY);
    }
    if (op.requestTxn !== undefined) checkTxn(gate, info, op.requestTxn);
  }
}

function checkTxn(gate: AuthGate, info: AuthInfo, txn: TxnRequest): void {
  for (const c of txn.compare ?? [])
    gate.store.checkRange(info, 'READ', c.key, c.rangeEnd ?? EMPTY);
  checkOps(gate, info, txn.success);
  checkOps(gate, info, txn.failure);
}

const bytes = (x: unknown): Uint8Array => (x instanceof Uint8Array ? x : EMPTY);

/** READ on everything under `name/`. */
function prefixRead(g: AuthGate, info: AuthInfo, w: Wire): void {
  const prefix = recipePrefix(bytes(w.name));
  g.store.checkRange(info, 'READ', prefix, prefixEnd(prefix));
}

/** Lock and Campaign: the txn that creates `name/<lease hex>` and reads who is first. */
function campaignChecks(g: AuthGate, info: AuthInfo, w: Wire): void {
  const key = sessionKey(recipePrefix(bytes(w.name)), big(w.lease));
  g.store.checkRange(info, 'READ', key, EMPTY);
  g.store.checkRange(info, 'WRITE', key, EMPTY);
  prefixRead(g, info, w);
}

/** Proclaim and Resign: a txn comparing and writing the leader's own key. */
function leaderKeyChecks(g: AuthGate, info: AuthInfo, w: Wire): void {
  const leader = (w.leader ?? {}) as Wire;
  g.store.checkRange(info, 'READ', bytes(leader.key), EMPTY);
  g.store.checkRange(info, 'WRITE', bytes(leader.key), EMPTY);
}

function methodNeeds(maxTxnOps: number): Record<string, Record<string, Need>> {
  return {
    KV: {
      Range: (g, info, w) => {
        const r = rangeFromWire(w);
        if (!invalid(() => checkRangeRequest(r)))
          g.store.checkRange(info, 'READ', r.key, r.rangeEnd ?? EMPTY);
      },
      Put: (g, info, w) => {
        const p = putFromWire(w);
        if (invalid(() => checkPutRequest(p))) return;
        g.store.checkRange(info, 'WRITE', p.key, EMPTY);
        if (p.lease !== undefined) g.checkLeaseKeys(info, p.lease);
        if (p.prevKv === true) g.store.checkRange(info, 'READ', p.key, EMPTY);
      },
      DeleteRange: (g, info, w) => {
        const d = deleteRangeFromWire(w);
        if (invalid(() => checkDeleteRangeRequest(d))) return;
        g.store.checkRange(info, 'WRITE', d.key, d.rangeEnd ?? EMPTY);
        if (d.prevKv === true) g.store.checkRange(info, 'READ', d.key, d.rangeEnd ?? EMPTY);
      },
      Txn: (g, info, w) => {
        const t = txnFromWire(w);
        if (!invalid(() => checkTxnRequest(t, maxTxnOps))) checkTxn(g, info, t);
      },
      Compact: 'token',
    },
    Lease: {
      LeaseGrant: 'token',
      LeaseRevoke: (g, info, w) => g.checkLeaseKeys(info, big(w.ID)),
    },
    Maintenance: {
      Alarm: 'token',
      Defragment: 'rawAdmin',
      Hash: 'rawAdmin',
      HashKV: 'rawAdmin',
      Snapshot: 'rawAdmin',
    },
    // The recipes act with the caller's identity on `name/` keys (etcd's v3lock and
    // v3election run clientv3 in-process with the caller's context).
    Lock: {
      Lock: campaignChecks,
      Unlock: (g, info, w) => g.store.checkRange(info, 'WRITE', bytes(w.key), EMPTY),
    },
    Election: {
      Campaign: campaignChecks,
      Proclaim: leaderKeyChecks,
      Resign: leaderKeyChecks,
      Leader: prefixRead,
      Observe: prefixRead,
    },
    Cluster: {
      MemberAdd: 'admin',
      MemberRemove: 'admin',
      MemberUpdate: 'admin',
      MemberPromote: 'admin',
    },
  };
}

type Handler = (...args: never[]) => void;
type UnaryCall = ServerUnaryCall<Wire, Wire>;
type WatchCall = ServerDuplexStream<Wire, Wire>;

/** The service definition's per-method flags (grpc-js's MethodDefinition). */
export type MethodKinds = Record<string, { requestStream: boolean; responseStream: boolean }>;

export class AuthGate {
  private readonly needs: Record<string, Record<string, Need>>;

  constructor(
    readonly server: EtcdServer,
    readonly tokens: TokenManager,
    private readonly log: Logger,
    maxTxnOps: number,
  ) {
    this.needs = methodNeeds(maxTxnOps);
    server.member.onApplied((index, result) => {
      const r = result as { ok?: boolean; effect?: never };
      tokens.onApplied(index, r.ok === true ? r.effect : undefined);
    });
  }

  get store(): AuthStore {
    return (this.server.machine as ServerMachine).auth;
  }

  /** etcd's AuthInfoFromCtx: undefined without a token; a token unknown here is refused. */
  async infoOf(metadata: Metadata): Promise<AuthInfo | undefined> {
    const sent = metadata.get('token');
    if (sent.length === 0) return undefined;
    const user = await this.tokens.user(String(sent[0]));
    if (user === undefined) throw new EtcdError('invalidAuthToken');
    return { user, revision: this.store.revision };
  }

  /** etcd's checkLeasePuts: WRITE on every key the lease holds (none if it does not exist). */
  checkLeaseKeys(info: AuthInfo, lease: bigint): void {
    if (lease === 0n || !this.store.enabled) return;
    const mvcc = (this.server.machine as ServerMachine).mvcc;
    const { keys } = mvcc.leaseTimeToLive({ ID: lease, keys: true }, 0);
    for (const key of keys ?? []) this.store.checkRange(info, 'WRITE', key, EMPTY);
  }

  /** `impl` with every method of `service` that etcd checks wrapped in its check. */
  wrap(service: string, kinds: MethodKinds, impl: object): object {
    const methods = impl as Record<string, Handler>;
    const out: Record<string, Handler> = { ...methods };
    if (service === 'Watch' && methods.Watch !== undefined)
      out.Watch = this.watch(methods.Watch as (call: WatchCall) => void);
    for (const [method, need] of Object.entries(this.needs[service] ?? {})) {
      const inner = methods[method];
      const kind = kinds[method];
      if (inner === undefined || kind === undefined) continue;
      out[method] =
        kind.requestStream || kind.responseStream
          ? this.stream(need, inner as (call: UnaryCall) => void)
          : this.unary(method, need, inner as (c: UnaryCall, cb: sendUnaryData<Wire>) => void);
    }
    return out;
  }

  private async admit(need: Need, call: UnaryCall): Promise<AuthInfo | undefined> {
    const info = await this.infoOf(call.metadata);
    if (need === 'admin' || need === 'rawAdmin') this.store.checkAdmin(info ?? NO_AUTH);
    else if (need !== 'token') need(this, info ?? NO_AUTH, call.request ?? {});
    return info;
  }

  private unary(
    method: string,
    need: Need,
    inner: (call: UnaryCall, callback: sendUnaryData<Wire>) => void,
  ): Handler {
    return (call: UnaryCall, callback: sendUnaryData<Wire>) => {
      this.admit(need, call).then(
        (info) => {
          if (method !== 'Range' || info === undefined) return inner(call, callback);
          // etcd's doSerialize: an answer read while the auth store changed is withdrawn.
          inner(call, (error, value) => {
            if (error === null && this.store.enabled && info.revision !== this.store.revision)
              return callback(toStatus(new EtcdError('authOldRevision'), this.log) as never);
            callback(error, value);
          });
        },
        (error: unknown) => callback(this.status(need, error) as never),
      );
    };
  }

  private status(need: Need, error: unknown): GrpcStatus {
    const raw = error instanceof EtcdError ? RAW_AUTH_ERRORS[error.kind] : undefined;
    if (need === 'rawAdmin' && raw !== undefined) return { code: status.UNKNOWN, details: raw };
    return toStatus(error, this.log);
  }

  private stream(need: Need, inner: (call: UnaryCall) => void): Handler {
    return (call: UnaryCall) => {
      this.admit(need, call).then(
        () => inner(call),
        (error: unknown) => {
          const s = this.status(need, error);
          (call as unknown as { destroy(e: Error): void }).destroy(
            Object.assign(new Error(s.details), s),
          );
        },
      );
    };
  }

  /**
   * Watch: a create request for keys the user may not read gets etcd's created-and-
   * cancelled reply instead of reaching the hub. Requests are handled in arrival order
   * (each waits for the previous one's check).
   */
  private watch(inner: (call: WatchCall) => void): Handler {
    return (call: WatchCall) => {
      const on = call.on.bind(call);
      let chain: Promise<void> = Promise.resolve();
      call.on = ((event: string, listener: (...args: unknown[]) => void) => {
        if (event !== 'data') return on(event, listener);
        return on('data', (w: Wire) => {
          chain = chain
            .then(async () => {
              const reason = await this.watchRefusal(call, w);
              if (reason === undefined) listener(w);
              else if (!call.cancelled && call.writable) call.write(this.refusedWatch(reason));
            })
            .catch((error: unknown) => this.log.error({ err: error }, 'watch auth check failed'));
        });
      }) as typeof call.on;
      inner(call);
    };
  }

  private async watchRefusal(call: WatchCall, w: Wire): Promise<string | undefined> {
    if (w.requestUnion !== 'createRequest') return undefined;
    const c = (w.createRequest ?? {}) as Wire;
    try {
      const info = (await this.infoOf(call.metadata)) ?? NO_AUTH;
      const key = c.key instanceof Uint8Array && c.key.length > 0 ? c.key : NUL;
      const rangeEnd = c.rangeEnd instanceof Uint8Array ? c.rangeEnd : EMPTY;
      this.store.checkRange(info, 'READ', key, rangeEnd);
      return undefined;
    } catch (error) {
      if (!(error instanceof EtcdError)) throw error;
      const known = ['invalidAuthToken', 'authOldRevision', 'userEmpty'];
      return goStatusText(
        new EtcdError(known.includes(error.kind) ? error.kind : 'permissionDenied'),
      );
    }
  }

  private refusedWatch(cancelReason: string): Wire {
    return {
      header: this.server.header((this.server.machine as ServerMachine).mvcc.revision),
      watchId: -1,
      created: true,
      canceled: true,
      compactRevision: 0,
      cancelReason,
      events: [],
    };
  }
}
