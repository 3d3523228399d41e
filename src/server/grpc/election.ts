// etcd's v3election service (etcdserver/api/v3election: Campaign, Proclaim, Leader, Observe,
// Resign), as etcd runs it: clientv3's Election recipe on the server's own KV and watch hub.
// A candidate's key is `name/<lease hex>` with its lease; the leader is the key under `name/`
// with the lowest create revision. Campaign puts the key (or keeps the one its session has,
// proclaiming the new value if it differs) and returns once every older key is gone (recipes.ts
// waitDeletes). Proclaim and Resign act only while the leader key still has the create
// revision the client holds ("election: not leader" otherwise; Resign then does nothing).
// Observe streams the leader: the current one (or the first put when there is none), each
// new value it proclaims, and, once its key is deleted, the next leader.
//
// Fault model: clients are untrusted and may cancel at any time (a waiting Campaign resigns,
// as etcd's does; an Observe stops watching); a client that stops reading an Observe stream
// pauses it (the hub holds the watcher back until the stream drains), so memory stays
// bounded. Errors are etcd's (recipes.ts recipeStatus); an Observe whose read or watch
// fails ends the stream OK, as etcd's does when its observer channel closes.

import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EtcdError } from '../errors.js';
import type { EtcdServer } from '../etcd-server.js';
import type { KeyValue, ResponseHeader } from '../mvcc/index.js';
import { big, int, kvToWire, long, type Wire } from '../wire.js';
import { toStatus, type Unary } from './call.js';
import type { KvLimits } from './kv.js';
import {
  byCreate,
  cancellableUnary,
  prefixEnd,
  RecipeError,
  RecipeKv,
  rangeKvs,
  rangeOp,
  recipePrefix,
  sessionKey,
  watchUntil,
} from './recipes.js';

type ObserveCall = ServerWritableStream<Wire, Wire>;

const EMPTY = new Uint8Array(0);

const bytes = (x: unknown): Uint8Array => (x instanceof Uint8Array ? x : EMPTY);

/** etcd's v3election.ErrMissingLeaderKey. */
const MISSING_LEADER = '"leader" field must be provided';

interface LeaderKey {
  readonly name: Uint8Array;
  readonly key: Uint8Array;
  readonly rev: number;
  readonly lease: bigint;
}

function leaderKeyOf(x: unknown): LeaderKey {
  if (typeof x !== 'object' || x === null) throw new RecipeError(MISSING_LEADER);
  const w = x as Wire;
  return { name: bytes(w.name), key: bytes(w.key), rev: int(w.rev), lease: big(w.lease) };
}

/** Resolves once `call` can take more, or rejects when the caller gives up. */
function drained(call: ObserveCall, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      if (signal.aborted) reject(signal.reason);
      else resolve();
    };
    call.on('drain', done);
    signal.addEventListener('abort', done);
  });
}

interface Ctx {
  readonly server: EtcdServer;
  readonly kv: RecipeKv;
}

const createdAt = (key: Uint8Array, rev: number) =>
  ({ key, target: 'CREATE', result: 'EQUAL', createRevision: rev }) as const;

/** election.go's Proclaim: a new value, only while `key` is still the one created at `rev`. */
async function proclaim(
  { kv }: Ctx,
  key: Uint8Array,
  rev: number,
  lease: bigint,
  value: Uint8Array,
): Promise<ResponseHeader> {
  kv.bounded(key, value);
  const r = await kv.txn({
    compare: [createdAt(key, rev)],
    success: [{ requestPut: { key, value, lease } }],
  });
  if (!r.succeeded) throw new RecipeError('election: not leader');
  return r.header;
}

/** election.go's Resign: deletes `key` if it is still the one created at `rev`. */
async function resign({ kv }: Ctx, key: Uint8Array, rev: number): Promise<ResponseHeader> {
  const r = await kv.txn({
    compare: [createdAt(key, rev)],
    success: [{ requestDeleteRange: { key } }],
  });
  return r.header;
}

async function campaign(x: Ctx, w: Wire, signal: AbortSignal): Promise<Wire> {
  const name = bytes(w.name);
  const value = bytes(w.value);
  const lease = await x.kv.session(big(w.lease));
  const prefix = recipePrefix(name);
  const key = sessionKey(prefix, lease);
  x.kv.bounded(key, value);
  const r = await x.kv.txn({
    compare: [createdAt(key, 0)],
    success: [{ requestPut: { key, value, lease } }],
    failure: [rangeOp({ key })],
  });
  let rev = r.header.revision;
  const mine = r.succeeded ? undefined : rangeKvs(r, 0)[0];
  if (mine !== undefined) {
    // This session campaigned before: keep its place, with the value asked for now.
    rev = mine.createRevision;
    if (!Buffer.from(mine.value).equals(value)) {
      try {
        await proclaim(x, key, rev, lease, value);
      } catch (error) {
        await resign(x, key, rev).catch(() => {});
        throw error;
      }
    }
  }
  try {
    await x.kv.waitDeletes(prefix, rev - 1, signal);
  } catch (error) {
    if (signal.aborted) await resign(x, key, rev).catch(() => {});
    throw error;
  }
  return { header: x.kv.header(r.header), leader: { name, key, rev, lease: long(lease) } };
}

/** election.go's observe: the leader, its proclamations, and its successors, in order. */
async function observe({ server, kv }: Ctx, call: ObserveCall, signal: AbortSignal): Promise<void> {
  const prefix = recipePrefix(bytes(call.request.name));
  const send = (revision: number, leader: KeyValue): boolean =>
    call.cancelled ? true : call.write({ header: server.header(revision), kv: kvToWire(leader) });
  for (;;) {
    const r = await kv.get(byCreate(prefix, 'ASCEND'));
    let leader = r.kvs[0];
    let revision = r.header.revision;
    if (leader === undefined) {
      // Nobody campaigns: the first put under the prefix is the leader (a delete is not).
      const spec = { key: prefix, rangeEnd: prefixEnd(prefix), startRevision: revision };
      leader = await watchUntil(server, spec, signal, (response) => {
        const put = response.events?.find((e) => e.type === 'PUT');
        return put === undefined ? true : { done: put.kv };
      });
      revision = leader.modRevision;
    }
    if (!send(revision, leader)) await drained(call, signal);
    const follow = { key: leader.key, startRevision: revision + 1 };
    await watchUntil(
      server,
      follow,
      signal,
      (response) => {
        let more = true;
        for (const e of response.events ?? []) {
          if (e.type === 'DELETE') return { done: undefined };
          more = send(response.revision, e.kv);
        }
        return more;
      },
      call,
    );
  }
}

export function electionService(
  server: EtcdServer,
  limits: KvLimits,
  log: Logger,
): Record<string, Unary | ((call: ObserveCall) => void)> {
  const kv = new RecipeKv(server, limits);
  const x: Ctx = { server, kv };
  return {
    Campaign: cancellableUnary(log, (w, signal) => campaign(x, w, signal)),
    Proclaim: cancellableUnary(log, async (w) => {
      const leader = leaderKeyOf(w.leader);
      const lease = await kv.session(leader.lease);
      const header = await proclaim(x, leader.key, leader.rev, lease, bytes(w.value));
      return { header: kv.header(header) };
    }),
    Leader: cancellableUnary(log, async (w) => {
      const r = await kv.get(byCreate(recipePrefix(bytes(w.name)), 'ASCEND'));
      const leader = r.kvs[0];
      if (leader === undefined) throw new RecipeError('election: no leader');
      return { header: kv.header(r.header), kv: kvToWire(leader) };
    }),
    Resign: cancellableUnary(log, async (w) => {
      const leader = leaderKeyOf(w.leader);
      // etcd opens a session first, which grants a lease when the request names none.
      await kv.session(leader.lease);
      return { header: kv.header(await resign(x, leader.key, leader.rev)) };
    }),
    Observe(call: ObserveCall) {
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort(new Error('context canceled')));
      call.on('error', () => {});
      observe(x, call, abort.signal).then(
        () => call.end(),
        (error: unknown) => {
          if (abort.signal.aborted || call.cancelled) return;
          // A failed read or watch closes etcd's observer channel: the stream ends OK.
          if (error instanceof EtcdError) return call.end();
          const s = toStatus(error, log);
          call.destroy(Object.assign(new Error(s.details), s));
        },
      );
    },
  };
}
