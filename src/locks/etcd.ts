// The etcd / Cohort lock backend (issue 17): the seed notes' ZooKeeper recipe on etcd's v3 API,
// through cohort/client, so it runs against Cohort's server and a real etcd 3.4 alike.
//
// - One key per waiter, `<prefix><name>/<lease id, 16 hex digits>`, attached to a lease: the
//   lease is ZooKeeper's ephemeral node and the lock's TTL. Its value holds the owner and the
//   mode ({"o":owner,"m":"x"|"r"|"w"}).
// - The key is created by a Txn "create only if absent" that also reads the queue at the same
//   revision, so a create retried after an UNAVAILABLE answer is never duplicated.
// - Lowest create revision holds; the create revision is the fencing token (it grows with
//   every write to the store, so with every grant of the name).
// - Each waiter watches only what must go before it can hold, from the revision it read the
//   queue at (never polling, no herd): an exclusive/write waiter its predecessor; a reader the
//   last earlier writer (a reader waits only for earlier writers); a semaphore (limit N)
//   waiter the N keys just before it (any of them leaving may admit it; keys further ahead
//   leaving do not change which N it watches).
// - While waiting the lease is kept alive (the waiter keeps its place, as a ZooKeeper session
//   would); once granted the holder renews it with extend() (or using()), and the lock is lost
//   when the lease runs out. etcd leases have whole seconds and a server minimum (etcd: 2 s
//   by default), so a key may outlive ttlMs; validUntil counts from ttlMs, never longer.
// - Leases are kept between acquires (etcd-leases.ts): an acquire renews an idle lease of its
//   TTL rather than granting one, and a release deletes its key (a Txn on its create
//   revision: one write) and keeps the lease for the next acquire. The holder's key is
//   watched (handle.signal fires when the lease runs out or someone deletes the key) from
//   the first time a handle's signal is read; a holder that never looks costs no watch.
// - Reentrancy by owner: a Lock re-acquired by an owner that holds it gets the same key and
//   token and a hold count (per backend object); an owner's key left by another process
//   (found by its value) is adopted the same way.
//
// Fault model: the server may fail, restart or lose its leader; calls are retried on
// UNAVAILABLE for RETRY_WINDOW_MS (every write here is idempotent by construction: a Txn
// guarded by the key's absence or its create revision), then fail with
// BackendUnavailableError. Watches resume by themselves (cohort/client). Keys under the prefix
// written by others are untrusted: unparsable values count as writers with no owner.

import { backoffMs, sleep } from '../client/connection.js';
import type { Client, ConnectOptions } from '../client/index.js';
import { Compare, connect, Op, WatchCompactedError } from '../client/index.js';
import {
  abortReason,
  BackendUnavailableError,
  LockLostError,
  NotAcquiredError,
  NotOwnerError,
  throwIfAborted,
  validateTtl,
} from './errors.js';
import { anyDeleted, CALL_TIMEOUT_MS, callOptions, renewOnce, retrying } from './etcd-calls.js';
import { LeasePool } from './etcd-leases.js';
import { blockersOf, leaseHex, parseQueue, type QueueEntry } from './etcd-queue.js';
import {
  type AcquireOptions,
  type Lock,
  type LockBackend,
  type LockHandle,
  type LockSpec,
  type ResolvedAcquireOptions,
  type ResolvedLockSpec,
  randomOwner,
  resolveAcquireOptions,
  resolveLockSpec,
  validUntilOf,
} from './lock.js';

export interface EtcdLockOptions {
  /** Prepended to every lock name's directory (default ''). */
  readonly prefix?: string;
}

const MODE_CODES = { exclusive: 'x', read: 'r', write: 'w' } as const;

interface Entered {
  readonly dir: string;
  readonly queue: QueueEntry[];
  readonly revision: number;
  readonly me: QueueEntry;
  /** The owner's existing key was taken instead of ours. */
  readonly adopted: boolean;
}

interface Waiting {
  keeper: { stop(): void; readonly signal: AbortSignal } | undefined;
}

// ---- holds and handles -------------------------------------------------------------------

/** One grant, shared by the handles of its re-entries. */
interface Hold {
  readonly holdKey: string;
  readonly name: string;
  readonly owner: string;
  readonly key: string;
  readonly lease: bigint;
  /** False for an adopted key: its lease is another process's to revoke. */
  readonly ownLease: boolean;
  readonly token: bigint;
  readonly ttlMs: number;
  readonly controller: AbortController;
  validUntil: number;
  count: number;
  /** The renewal in flight, if any. */
  renewal: { readonly sentAt: number; readonly ttlSeconds: Promise<number> } | undefined;
  /** Ends the watch on our own key. */
  readonly unguard: AbortController;
  /** The revision to watch our key from, until the watch starts (the first time someone
   *  asks for a handle's signal: a holder that never looks costs the server no watch). */
  guardFrom: number | undefined;
}

class EtcdHandle implements LockHandle {
  private released = false;

  constructor(
    private readonly backend: EtcdLockBackend,
    private readonly hold: Hold,
  ) {}

  get name(): string {
    return this.hold.name;
  }
  get owner(): string {
    return this.hold.owner;
  }
  get token(): bigint {
    return this.hold.token;
  }
  get validUntil(): number {
    return this.hold.validUntil;
  }
  get signal(): AbortSignal {
    this.backend.watchOver(this.hold);
    return this.hold.controller.signal;
  }

  async extend(ttlMs?: number): Promise<void> {
    const ttl = validateTtl(ttlMs ?? this.hold.ttlMs);
    if (this.released) throw new NotOwnerError(`lock ${this.hold.name}: already released`);
    if (this.hold.controller.signal.aborted) throw lostReason(this.hold);
    // One renewal at a time per lease (the client keeps one keep-alive per lease): a
    // re-entered hold's handles extending together share it.
    const hold = this.hold;
    hold.renewal ??= {
      sentAt: performance.now(),
      ttlSeconds: retrying('lease renewal', undefined, () =>
        renewOnce(this.backend.client, hold.lease, CALL_TIMEOUT_MS),
      ).finally(() => {
        hold.renewal = undefined;
      }),
    };
    const { sentAt, ttlSeconds } = hold.renewal;
    try {
      const granted = await ttlSeconds;
      hold.validUntil = Math.max(
        hold.validUntil,
        validUntilOf(sentAt, Math.min(ttl, granted * 1000)),
      );
    } catch (e) {
      if (e instanceof LockLostError) this.backend.lose(this.hold, e);
      throw e;
    }
  }

  async release(): Promise<void> {
    if (this.released) throw new NotOwnerError(`lock ${this.hold.name}: already released`);
    this.released = true;
    this.hold.count -= 1;
    if (this.hold.count > 0) return;
    await this.backend.releaseHold(this.hold);
  }
}

function lostReason(hold: Hold): unknown {
  return hold.controller.signal.reason ?? new LockLostError(`lock ${hold.name} lost`);
}

/** The conformance worker's entry point (test/support/lock-worker.ts): options are JSON. */
export function createLockBackend(
  options: ConnectOptions & EtcdLockOptions,
): Promise<EtcdLockBackend> {
  return EtcdLockBackend.connect(options);
}

// ---- the backend -------------------------------------------------------------------------

export class EtcdLockBackend implements LockBackend {
  readonly kind = 'etcd';
  private readonly prefix: string;
  private readonly holds = new Map<string, Hold>();
  private closed = false;
  private readonly leases: LeasePool;

  private readonly ownsClient: boolean;

  constructor(
    readonly client: Client,
    options: EtcdLockOptions & { readonly ownsClient?: boolean } = {},
  ) {
    this.prefix = options.prefix ?? '';
    this.ownsClient = options.ownsClient === true;
    this.leases = new LeasePool(client);
  }

  /** Connects a client of its own (closed by close()). */
  static async connect(options: ConnectOptions & EtcdLockOptions): Promise<EtcdLockBackend> {
    const client = await connect(options).catch((e: unknown) => {
      throw new BackendUnavailableError('etcd: cannot connect', { cause: e });
    });
    return new EtcdLockBackend(client, { ...options, ownsClient: true });
  }

  lock(spec: LockSpec | string): Lock {
    const resolved = resolveLockSpec(spec);
    const defaultOwner = randomOwner();
    return {
      spec: resolved,
      acquire: async (o: AcquireOptions) =>
        this.acquire(resolved, resolveAcquireOptions(o, defaultOwner)),
    };
  }

  /** Gives up every hold (their leases are revoked) and closes an owned client. */
  async close(): Promise<void> {
    this.closed = true;
    const holds = [...this.holds.values()];
    await Promise.all(
      holds.map(async (hold) => {
        this.lose(hold, new LockLostError('the lock backend was closed'));
        if (hold.ownLease) await this.revoke(hold.lease);
      }),
    );
    await this.leases.close();
    if (this.ownsClient) this.client.close();
  }

  private async acquire(spec: ResolvedLockSpec, o: ResolvedAcquireOptions): Promise<LockHandle> {
    throwIfAborted(o.signal);
    if (this.closed) throw new BackendUnavailableError('the lock backend is closed');
    const holdKey = `${spec.name}\0${o.owner}`;
    const held = this.holds.get(holdKey);
    if (held !== undefined && performance.now() >= held.validUntil) {
      // Its lease may have run out unseen (the key is watched only once a signal is read).
      this.lose(held, new LockLostError(`lock ${spec.name}: its lease ran out`));
    } else if (held !== undefined && !held.controller.signal.aborted) {
      held.count += 1;
      return new EtcdHandle(this, held);
    }
    const scope = waitScope(spec.name, o);
    try {
      return new EtcdHandle(this, await this.enqueueAndWait(spec, o, holdKey, scope.signal));
    } finally {
      scope.dispose();
    }
  }

  private dirOf(name: string): string {
    return `${this.prefix}${name}/`;
  }

  /** Grants a lease, creates our key (or adopts the owner's), waits for our turn. */
  private async enqueueAndWait(
    spec: ResolvedLockSpec,
    o: ResolvedAcquireOptions,
    holdKey: string,
    signal: AbortSignal,
  ): Promise<Hold> {
    const dir = this.dirOf(spec.name);
    const requestedAt = performance.now();
    const lease = { id: await this.leases.take(Math.ceil(o.ttlMs / 1000), signal) };
    const waiting: Waiting = { keeper: undefined };
    let entered: Entered | undefined;
    try {
      entered = await this.enqueue(spec, o, dir, lease.id, signal);
      const turn = await this.waitTurn(spec, o, entered, signal, waiting);
      waiting.keeper?.stop();
      const hold = this.grant(holdKey, spec.name, o, turn.me, !entered.adopted, requestedAt);
      if (hold.count === 1) {
        // Validity counts from when our lease was granted or renewed (requestedAt): the
        // keeper's renewals while we waited only lengthened it. A wait that took more than a
        // third of the TTL renews first, so that the holder gets most of it; an adopted key's
        // lease is another process's, so its validity comes from a renewal of our own.
        const waitedLong = performance.now() - requestedAt > o.ttlMs / 3;
        if ((waiting.keeper !== undefined && waitedLong) || entered.adopted) {
          await new EtcdHandle(this, hold).extend().catch((e: unknown) => {
            this.lose(hold, new LockLostError(`lock ${spec.name}: lost at grant`, { cause: e }));
            throw e;
          });
        }
        hold.guardFrom = turn.revision + 1;
      }
      return hold;
    } catch (e) {
      waiting.keeper?.stop();
      // Our key goes with the lease; awaited, so a failed acquire leaves nothing behind.
      if (entered?.adopted !== true) await this.revoke(lease.id);
      if (waiting.keeper?.signal.aborted === true && !signal.aborted) {
        throw new LockLostError('lease lost while waiting', {
          cause: waiting.keeper.signal.reason,
        });
      }
      throw e;
    }
  }

  /** Creates our key (a Txn: only if absent, so a retry is harmless) and reads the queue. */
  private async enqueue(
    spec: ResolvedLockSpec,
    o: ResolvedAcquireOptions,
    dir: string,
    lease: bigint,
    signal: AbortSignal,
  ): Promise<Entered> {
    const key = dir + leaseHex(lease);
    const value = JSON.stringify({ o: o.owner, m: MODE_CODES[spec.mode] });
    const created = await retrying('create', signal, () =>
      this.client
        .txn()
        .if(Compare.createRevision(key, '=', 0))
        .then(Op.put(key, value, { lease }), Op.get(dir, { prefix: true }))
        .else(Op.get(dir, { prefix: true }))
        .commit(callOptions(signal)),
    );
    const range = created.responses.at(-1);
    const queue = parseQueue(range?.type === 'get' ? range.kvs : [], dir);
    const revision = created.header.revision;
    const mine = queue.find((e) => e.key === key);
    const same = queue.find((e) => e.owner === o.owner && e.key !== key);
    if (same !== undefined && (mine === undefined || same.createRevision < mine.createRevision)) {
      // The owner already has a key (another process, or a concurrent acquire, of the owner).
      void this.revoke(lease);
      return { dir, queue, revision, me: same, adopted: true };
    }
    if (mine === undefined) throw new LockLostError(`lock ${spec.name}: our key vanished`);
    return { dir, queue, revision, me: mine, adopted: false };
  }

  /** Watches what blocks us until nothing does; keeps our lease alive meanwhile. */
  private async waitTurn(
    spec: ResolvedLockSpec,
    o: ResolvedAcquireOptions,
    entered: Entered,
    signal: AbortSignal,
    waiting: Waiting,
  ): Promise<{ me: QueueEntry; revision: number }> {
    let { queue, revision, me } = entered;
    for (;;) {
      const blockers = blockersOf(queue, me, spec.limit);
      if (blockers.length === 0) return { me, revision };
      if (o.waitMs === 0) throw new NotAcquiredError(`lock ${spec.name} is held`);
      waiting.keeper ??= this.client.keepAlive(me.lease);
      const keeper = waiting.keeper;
      try {
        await anyDeleted(this.client, blockers, revision, AbortSignal.any([signal, keeper.signal]));
      } catch (e) {
        if (signal.aborted || keeper.signal.aborted || e instanceof LockLostError) throw e;
        // The watch failed for good (its stream could not be kept): read the queue again after
        // a pause; the read's own retries decide when etcd counts as unavailable.
        await sleep(backoffMs(4), signal).catch(() => {});
      }
      const read = await retrying('read', signal, () =>
        this.client.get(entered.dir, { prefix: true, ...callOptions(signal) }),
      );
      revision = read.header.revision;
      queue = parseQueue(read.kvs, entered.dir);
      const myKey = me.key;
      const found = queue.find((e) => e.key === myKey);
      if (found === undefined) throw new LockLostError(`lock ${spec.name}: our key vanished`);
      me = found;
    }
  }

  /** Registers a grant (or joins a live hold of the same owner on the same key). */
  private grant(
    holdKey: string,
    name: string,
    o: ResolvedAcquireOptions,
    me: QueueEntry,
    ownLease: boolean,
    requestedAt: number,
  ): Hold {
    const live = this.holds.get(holdKey);
    if (live !== undefined && live.key === me.key && !live.controller.signal.aborted) {
      live.count += 1;
      return live;
    }
    const hold: Hold = {
      holdKey,
      name,
      owner: o.owner,
      key: me.key,
      lease: me.lease,
      ownLease,
      token: BigInt(me.createRevision),
      ttlMs: o.ttlMs,
      controller: new AbortController(),
      validUntil: validUntilOf(requestedAt, o.ttlMs),
      count: 1,
      renewal: undefined,
      unguard: new AbortController(),
      guardFrom: undefined,
    };
    this.holds.set(holdKey, hold);
    return hold;
  }

  /** Starts watching a hold's key, once (see Hold.guardFrom). */
  watchOver(hold: Hold): void {
    const from = hold.guardFrom;
    if (from === undefined || hold.unguard.signal.aborted) return;
    hold.guardFrom = undefined;
    this.guard(hold, from);
  }

  /** Watches our own key: its deletion (lease expiry, someone's delete) loses the lock. */
  private guard(hold: Hold, startRevision: number): void {
    const signal = hold.unguard.signal;
    const mine = { key: hold.key, createRevision: Number(hold.token) };
    void (async () => {
      for (let revision = startRevision; !signal.aborted; ) {
        try {
          await anyDeleted(this.client, [mine], revision - 1, signal);
        } catch (e) {
          if (signal.aborted) return;
          if (!(e instanceof WatchCompactedError)) await sleep(backoffMs(4), signal);
        }
        if (signal.aborted) return;
        // A delete, or a gap in history: is the key still ours?
        const read = await this.client.get(hold.key, callOptions(signal)).catch(() => undefined);
        if (read === undefined) {
          await sleep(backoffMs(4), signal).catch(() => {});
          continue;
        }
        if (read.kvs[0]?.createRevision !== Number(hold.token)) {
          return this.lose(
            hold,
            new LockLostError(`lock ${hold.name}: lease expired or key deleted`),
          );
        }
        revision = read.header.revision + 1;
      }
    })().catch(() => {});
  }

  /** Marks a hold lost (its handles' signals abort with `reason`). */
  lose(hold: Hold, reason: LockLostError): void {
    hold.unguard.abort();
    if (this.holds.get(hold.holdKey) === hold) this.holds.delete(hold.holdKey);
    if (!hold.controller.signal.aborted) hold.controller.abort(reason);
  }

  /** Deletes our key if it is still ours; NotOwnerError if it is not. */
  async releaseHold(hold: Hold): Promise<void> {
    if (this.holds.get(hold.holdKey) === hold) this.holds.delete(hold.holdKey);
    hold.unguard.abort();
    const wasLost = hold.controller.signal.aborted;
    const deleted = await this.deleteKey(hold, wasLost);
    if (hold.ownLease) {
      // Our lease is free once our key is gone: kept for the next acquire, else revoked.
      const kept =
        deleted && this.leases.give(hold.lease, Math.ceil(hold.ttlMs / 1000), hold.validUntil);
      if (!kept) void this.revoke(hold.lease);
    }
    if (!hold.controller.signal.aborted) {
      hold.controller.abort(new LockLostError(`lock ${hold.name} was released`));
    }
    if (!deleted) throw new NotOwnerError(`lock ${hold.name}: not held by ${hold.owner} any more`);
  }

  /** Deletes our key (or an adopted one) if it is still that grant: true when it did. */
  private async deleteKey(hold: Hold, wasLost: boolean): Promise<boolean> {
    return retrying('release', undefined, async (attempt) => {
      const r = await this.client
        .txn()
        .if(Compare.createRevision(hold.key, '=', Number(hold.token)))
        .then(Op.delete(hold.key))
        .commit({ timeoutMs: CALL_TIMEOUT_MS });
      // A retry that finds the key gone after an unknown outcome: the first try deleted it.
      return r.succeeded || (attempt > 0 && !wasLost);
    });
  }

  /** Best effort: a lease we fail to revoke expires by itself. */
  private async revoke(lease: bigint): Promise<void> {
    await this.client.revoke(lease, { timeoutMs: CALL_TIMEOUT_MS }).catch(() => {});
  }
}

/** The wait's own signal: the caller's signal, or NotAcquiredError after waitMs. */
function waitScope(
  name: string,
  o: ResolvedAcquireOptions,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(abortReason(o.signal as AbortSignal));
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    o.waitMs !== undefined && o.waitMs > 0
      ? setTimeout(
          () =>
            controller.abort(new NotAcquiredError(`lock ${name}: not acquired in ${o.waitMs} ms`)),
          o.waitMs,
        )
      : undefined;
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
    },
  };
}
