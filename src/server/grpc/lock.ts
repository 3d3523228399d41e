// etcd's v3lock service (etcdserver/api/v3lock: Lock, Unlock), as etcd runs it: clientv3's
// Mutex recipe on the server's own KV. Lock(name, lease) puts `name/<lease hex>` with that
// lease (only if it does not exist yet: a session that holds or waits already keeps its
// place), and holds the lock once no key under `name/` is older than its own; otherwise it
// waits for its predecessors' deletions (recipes.ts waitDeletes) and answers with the key
// and the header of the read that found none left. Unlock(key) deletes the key. The lock is
// as long-lived as the lease: a holder that dies lets its lease expire, which frees it.
//
// Fault model: clients are untrusted and may cancel a waiting Lock (its key is deleted, as
// etcd's Mutex does when its wait fails); errors are etcd's (recipes.ts recipeStatus).

import type { Logger } from 'pino';
import type { EtcdServer } from '../etcd-server.js';
import { checkDeleteRangeRequest, type DeleteRangeResponse } from '../mvcc/index.js';
import { big, type Wire } from '../wire.js';
import type { Unary } from './call.js';
import type { KvLimits } from './kv.js';
import {
  byCreate,
  cancellableUnary,
  RecipeKv,
  rangeKvs,
  rangeOp,
  recipePrefix,
  sessionKey,
} from './recipes.js';

const EMPTY = new Uint8Array(0);

const bytes = (x: unknown): Uint8Array => (x instanceof Uint8Array ? x : EMPTY);

export function lockService(
  server: EtcdServer,
  limits: KvLimits,
  log: Logger,
): Record<string, Unary> {
  const kv = new RecipeKv(server, limits);

  /** mutex.go's Lock: the key, and the header at which the lock was held. */
  async function lock(name: Uint8Array, leaseId: bigint, signal: AbortSignal): Promise<Wire> {
    const lease = await kv.session(leaseId);
    const prefix = recipePrefix(name);
    const key = sessionKey(prefix, lease);
    kv.bounded(key);
    const owner = rangeOp(byCreate(prefix, 'ASCEND'));
    const r = await kv.txn({
      compare: [{ key, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
      success: [{ requestPut: { key, value: EMPTY, lease } }, owner],
      failure: [rangeOp({ key }), owner],
    });
    // Our place in the queue: the key's create revision (ours now, or from an earlier Lock).
    const myRevision = r.succeeded ? r.header.revision : (rangeKvs(r, 0)[0]?.createRevision ?? 0);
    const oldest = rangeKvs(r, 1)[0];
    if (oldest === undefined || oldest.createRevision === myRevision)
      return { header: kv.header(r.header), key };
    try {
      const header = await kv.waitDeletes(prefix, myRevision - 1, signal);
      return { header: kv.header(header), key };
    } catch (error) {
      // Leave no stale key in the queue: the next waiter would wait for it forever.
      await server.write({ type: 'deleteRange', request: { key } }).catch(() => {});
      throw error;
    }
  }

  return {
    Lock: cancellableUnary(log, (w, signal) => lock(bytes(w.name), big(w.lease), signal)),
    Unlock: cancellableUnary(log, async (w) => {
      const request = { key: bytes(w.key) };
      checkDeleteRangeRequest(request);
      const r = (await server.write({
        type: 'deleteRange',
        request,
      })) as unknown as DeleteRangeResponse;
      return { header: kv.header(r.header) };
    }),
  };
}
