// The Redis lock backend (issue 17): one Redis server. Exclusive locks are the notes'
// `SET key value NX PX ttl`, released and extended by compare-and-delete and
// compare-and-pexpire scripts; the fencing token is `INCR` of the name's counter in the same
// script as the SET, so a grant and its token are one atomic step. Reentrancy by owner and
// the hold count live in the value (redis-scripts.ts). Semaphores (limit N) and read/write
// locks (writer-preferring: a waiting writer holds new readers off) are sorted sets of
// holders scored by expiry. Waiters sleep on the lock's release channel (pub/sub) with a
// jittered timer as the safety net (redis-wait.ts); nobody spins.
//
// Guarantees and limits (docs/locks.md): mutual exclusion holds while the one Redis server
// keeps its data; the lease protects against crashed holders, not against paused ones —
// fence with handle.token. If the server loses its data (a restart without AOF fsync
// always, a failover to a replica that missed the write — replication is asynchronous) a
// lock can be granted twice and the fencing counter can go back: run it with
// `appendonly yes` and `appendfsync always` and without failover, or use etcd/ZooKeeper.
//
// Fault model: connection failures, timeouts and restarts surface as BackendUnavailableError
// (redis-node.ts); a wait keeps trying through them until it ends. A lost reply to an
// acquire leaves that grant held until its TTL.

import type { RedisOptions } from 'ioredis';
import { BackendUnavailableError, InvalidLockArgument, throwIfAborted } from './errors.js';
import { type GrantOps, LeaseHandle } from './lease-handle.js';
import {
  type AcquireOptions,
  type Lock,
  type LockBackend,
  type LockHandle,
  type LockSpec,
  type ResolvedLockSpec,
  randomOwner,
  resolveAcquireOptions,
  resolveLockSpec,
  uniqueId,
} from './lock.js';
import { type NodeAttempt, type NodeRequest, RedisNode } from './redis-node.js';
import { type RedisLockKeys, redisLockKeys } from './redis-scripts.js';
import { type Attempt, waitForGrant } from './redis-wait.js';

export interface RedisLockOptions {
  /** ioredis connection options (host, port, password, tls, db …) or a redis:// URL. */
  readonly redis: RedisOptions | string;
  /** Prepended to every key and channel (default `cohort:`). */
  readonly keyPrefix?: string;
  /** A command not answered within this long fails as unavailable (default 2,000 ms). */
  readonly commandTimeoutMs?: number;
  /** A waiter re-checks at least this often when no release wakes it (default 1,000 ms). */
  readonly retryMaxMs?: number;
}

export const REDIS_DEFAULTS = {
  keyPrefix: 'cohort:',
  commandTimeoutMs: 2_000,
  retryMaxMs: 1_000,
} as const;

/** A fresh id per acquire: what release and extend compare on the server. */
export function newGrantId(): string {
  return uniqueId();
}

/** How long a waiting writer's mark holds new readers off: a few of its retry periods. */
export function writerIntentMs(waitMs: number | undefined, retryMaxMs: number): number {
  return waitMs === 0 ? 0 : 3 * retryMaxMs;
}

export function otherModeError(name: string, owner: string): InvalidLockArgument {
  return new InvalidLockArgument(
    `owner ${owner} holds lock ${name} in another mode (locks are not upgraded or downgraded)`,
  );
}

interface Granted {
  readonly token: bigint;
  readonly grant: string;
  readonly requestedAt: number;
}

/** How long an exclusive waiter's queue entry outlives its last attempt: a few of the
 *  safety-net periods at which it attempts again, so only a waiter that died drops out. */
export function queueEntryMs(waitMs: number | undefined, retryMaxMs: number): number {
  return waitMs === 0 ? 0 : 3 * retryMaxMs;
}

/**
 * Follows one acquire's attempts and hand-offs. A grant's lease starts when Redis wrote it;
 * `requestedAt` must not be later than that. For an attempt's own grant it is when the
 * attempt was sent; a grant handed to us by a release happened after our last attempt that
 * found the lock held ran, so that attempt's send time is a safe (early) start.
 */
class GrantTracker {
  private heldAt: number;

  constructor(
    private readonly spec: ResolvedLockSpec,
    private readonly owner: string,
    private readonly grant: string,
  ) {
    this.heldAt = performance.now();
  }

  attempt(a: NodeAttempt, sentAt: number): Attempt<Granted> {
    if (a.granted === 'other-mode') throw otherModeError(this.spec.name, this.owner);
    if (!a.granted) {
      this.heldAt = sentAt;
      return { granted: false, retryInMs: a.retryInMs };
    }
    const requestedAt = a.handedOff === true ? this.heldAt : sentAt;
    return { granted: true, value: { token: a.token, grant: a.grant, requestedAt } };
  }

  /** A release's message: `grant|token` when it handed the lock to us. */
  handedOff(message: string): Granted | undefined {
    const match = /^([0-9a-f]+)\|(\d+)$/.exec(message);
    if (match === null || match[1] !== this.grant) return undefined;
    return { token: BigInt(match[2] as string), grant: this.grant, requestedAt: this.heldAt };
  }
}

class RedisLock implements Lock {
  private readonly defaultOwner = randomOwner();
  private readonly keys: RedisLockKeys;

  constructor(
    readonly spec: ResolvedLockSpec,
    private readonly node: RedisNode,
    private readonly options: Required<Omit<RedisLockOptions, 'redis'>>,
  ) {
    this.keys = redisLockKeys(options.keyPrefix, spec.name);
  }

  /**
   * The uncontended path: one attempt before any of a wait's machinery is set up. When it
   * does not grant, the wait starts from its answer (it subscribes, then attempts again, so a
   * release between the two is not missed). Undefined when this process already listens on
   * the lock's channel (the wait then subscribes first, and its first attempt is the only
   * one), or when the attempt found Redis unavailable (the wait retries through that).
   */
  private async firstAttempt(
    request: NodeRequest,
    tracker: GrantTracker,
    waitMs: number | undefined,
  ): Promise<Attempt<Granted> | undefined> {
    if (waitMs === 0 || this.node.isSubscribed(this.keys.channel)) return undefined;
    const sentAt = performance.now();
    let attempt: NodeAttempt;
    try {
      attempt = await this.node.acquire(this.keys, this.spec, request);
    } catch (error) {
      // Unavailable: the wait retries through it until it ends.
      if (error instanceof BackendUnavailableError) return undefined;
      throw error;
    }
    return tracker.attempt(attempt, sentAt);
  }

  async acquire(o: AcquireOptions): Promise<LockHandle> {
    const { ttlMs, waitMs, signal, owner } = resolveAcquireOptions(o, this.defaultOwner);
    throwIfAborted(signal);
    const { node, keys, spec } = this;
    const request = {
      owner,
      grant: newGrantId(),
      ttlMs,
      writerIntentMs: writerIntentMs(waitMs, this.options.retryMaxMs),
      queueMs: spec.mode === 'exclusive' ? queueEntryMs(waitMs, this.options.retryMaxMs) : 0,
    };
    const tracker = new GrantTracker(spec, owner, request.grant);
    const first = await this.firstAttempt(request, tracker, waitMs);
    if (first?.granted === true) return this.handle(spec, owner, ttlMs, first.value);
    const granted = await waitForGrant<Granted>({
      ...(first !== undefined && { first }),
      attempt: async () => {
        const sentAt = performance.now();
        return tracker.attempt(await node.acquire(keys, spec, request), sentAt);
      },
      // A shared-mode release wakes every waiter (an empty message); an exclusive one hands
      // the lock to the queue's head and wakes only that waiter, which then holds it.
      subscribe: (wake) =>
        node.subscribe(keys.channel, (message) => {
          if (message === '') return wake();
          const handed = tracker.handedOff(message);
          if (handed !== undefined) wake(handed);
        }),
      undo: async (g) => {
        await node.release(keys, spec, owner, g.grant);
      },
      ...(request.queueMs > 0 && { leave: () => node.leave(keys, request.grant) }),
      subscribedAlready: () => node.isSubscribed(keys.channel),
      waitMs,
      signal,
      retryMaxMs: this.options.retryMaxMs,
      name: spec.name,
    });
    return this.handle(spec, owner, ttlMs, granted);
  }

  private handle(spec: ResolvedLockSpec, owner: string, ttlMs: number, granted: Granted) {
    return new LeaseHandle(
      { name: spec.name, owner, token: granted.token, requestedAt: granted.requestedAt, ttlMs },
      new RedisGrant(this.node, this.keys, spec, owner, granted.grant),
    );
  }
}

/** A grant's operations on the server (a class, not closures: one object per acquire). */
class RedisGrant implements GrantOps {
  constructor(
    private readonly node: RedisNode,
    private readonly keys: RedisLockKeys,
    private readonly spec: ResolvedLockSpec,
    private readonly owner: string,
    private readonly grant: string,
  ) {}

  extend(ms: number): Promise<boolean> {
    return this.node.extend(this.keys, this.spec, this.owner, this.grant, ms);
  }

  async release(): Promise<boolean> {
    return (await this.node.release(this.keys, this.spec, this.owner, this.grant)) >= 0;
  }
}

/** The factory the conformance suite's worker processes call (JSON options). */
export function createLockBackend(options: RedisLockOptions): Promise<RedisLockBackend> {
  return RedisLockBackend.connect(options);
}

export class RedisLockBackend implements LockBackend {
  readonly kind = 'redis';

  private constructor(
    private readonly node: RedisNode,
    private readonly options: Required<Omit<RedisLockOptions, 'redis'>>,
  ) {}

  /** Connects to Redis; rejects with BackendUnavailableError if it cannot. */
  static async connect(options: RedisLockOptions): Promise<RedisLockBackend> {
    const resolved = {
      keyPrefix: options.keyPrefix ?? REDIS_DEFAULTS.keyPrefix,
      commandTimeoutMs: options.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs,
      retryMaxMs: options.retryMaxMs ?? REDIS_DEFAULTS.retryMaxMs,
    };
    const node = new RedisNode({
      redis: options.redis,
      commandTimeoutMs: resolved.commandTimeoutMs,
      wakeUnqueued: false,
    });
    try {
      await node.connect();
    } catch (error) {
      node.close();
      throw error;
    }
    return new RedisLockBackend(node, resolved);
  }

  lock(spec: LockSpec | string): Lock {
    return new RedisLock(resolveLockSpec(spec), this.node, this.options);
  }

  async close(): Promise<void> {
    this.node.close();
  }
}
