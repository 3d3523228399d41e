// Redlock (issue 17; redis.io "Distributed Locks with Redis"): N independent Redis servers,
// no replication between them. An acquire runs the single-instance grant script
// (redis-scripts.ts) on every instance in parallel, each bounded by a per-instance timeout
// small against the TTL; the lock is ours if a majority granted it and the time that took
// is less than the TTL minus the clock drift (1 % of the TTL + 2 ms, as the spec says) —
// handle.validUntil is that validity. Otherwise the attempt is released on every instance
// (also those that did not answer: a lost reply may hide a grant) and retried after a
// random delay, so competing clients do not split the votes again in lock-step.
//
// What Redlock does NOT give (docs/locks.md, Kleppmann's "How to do distributed locking" and
// antirez's "Is Redlock safe?"): its safety rests on timing — bounded network delay, bounded
// process pauses, and clocks that advance at about the same rate on every instance. A clock
// jump on a majority of instances, a holder paused past its validity, or an instance that
// restarts without its data (run them with appendfsync always, or keep a restarted instance
// out for longer than the maximum TTL) lets two clients hold the lock at once.
//
// Nor does it have a fencing token. There is no single counter across the instances: each
// grant script INCRs its own instance's counter, and handle.token is the largest value among
// the instances that granted. Those counters diverge — an attempt that failed still
// incremented a minority, an instance that was down missed increments, a restarted one
// without persistence starts again from 0 — and two majorities share an instance but not
// necessarily the one with the largest counter. So a later grant can carry a SMALLER token
// than an earlier one, and in exactly Kleppmann's scenario (holder 1 pauses past its
// validity, holder 2 acquires and writes, holder 1 wakes and writes) the resource may accept
// holder 1's stale write. The token is unique-ish and usually grows; it is not a fencing
// token. Fence with a real counter: a consensus system's revision (the etcd backend's create
// revision, ZooKeeper's zxid) or a PostgreSQL sequence checked by the resource (fencing.ts).
//
// Reentrancy by owner works per instance (the hold count lives in each instance's value);
// the token of a re-entered grant is the largest among the instances that answered, which
// is the first grant's token unless instances failed in between. Exclusive locks only:
// semaphores and read/write locks need the single-instance backend or etcd.
//
// Fault model: up to N − majority instances may be down, paused, slow or restarted; their
// failures are BackendUnavailableError per instance and only fail an operation when a
// majority cannot be reached (then BackendUnavailableError; a wait keeps trying).

import type { RedisOptions } from 'ioredis';
import { BackendUnavailableError, InvalidLockArgument } from './errors.js';
import { LeaseHandle } from './lease-handle.js';
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
  validUntilOf,
} from './lock.js';
import { newGrantId, otherModeError, REDIS_DEFAULTS } from './redis.js';
import { type NodeAttempt, RedisNode } from './redis-node.js';
import { type RedisLockKeys, redisLockKeys } from './redis-scripts.js';
import { type Attempt, waitForGrant } from './redis-wait.js';

export interface RedlockOptions {
  /** The independent instances (ioredis options or redis:// URLs); an odd number, ≥ 3. */
  readonly instances: readonly (RedisOptions | string)[];
  readonly keyPrefix?: string;
  /** One instance's reply is awaited at most this long (default 500 ms; at most ttl / 2). */
  readonly instanceTimeoutMs?: number;
  /** A waiter re-checks at least this often when no release wakes it (default 1,000 ms). */
  readonly retryMaxMs?: number;
}

interface Settings {
  readonly keyPrefix: string;
  readonly instanceTimeoutMs: number;
  readonly retryMaxMs: number;
}

/** A split vote: retry after 10–60 ms, random, so that competing clients fall out of step. */
const SPLIT_RETRY_MIN_MS = 10;
const SPLIT_RETRY_SPREAD_MS = 50;

/** What one instance said, or the error it failed with. */
type Reply<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

export function quorumOf(instances: number): number {
  return Math.floor(instances / 2) + 1;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<Reply<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Reply<T>>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({ ok: false, error: new BackendUnavailableError(`${what}: no reply in ${ms} ms`) }),
      ms,
    );
  });
  const settled = promise.then(
    (value): Reply<T> => ({ ok: true, value }),
    (error: unknown): Reply<T> => ({ ok: false, error }),
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

/** The per-instance grant ids of one grant; undefined: unknown (no reply) → the attempt's. */
interface Granted {
  readonly token: bigint;
  readonly grants: readonly (string | undefined)[];
  readonly requestedAt: number;
}

class RedlockLock implements Lock {
  private readonly defaultOwner = randomOwner();
  private readonly keys: RedisLockKeys;
  private readonly quorum: number;

  constructor(
    readonly spec: ResolvedLockSpec,
    private readonly nodes: readonly RedisNode[],
    private readonly settings: Settings,
  ) {
    this.keys = redisLockKeys(settings.keyPrefix, spec.name);
    this.quorum = quorumOf(nodes.length);
  }

  private timeoutMs(ttlMs: number): number {
    return Math.max(1, Math.min(this.settings.instanceTimeoutMs, Math.floor(ttlMs / 2)));
  }

  /** Runs `op` on every instance, each bounded by the per-instance timeout. */
  private everywhere<T>(ttlMs: number, what: string, op: (n: RedisNode, i: number) => Promise<T>) {
    const ms = this.timeoutMs(ttlMs);
    return Promise.all(
      this.nodes.map((n, i) => withTimeout(op(n, i), ms, `redis ${n.address} ${what}`)),
    );
  }

  /** Releases one hold on every instance; how many said it was ours, and how many failed. */
  private async releaseEverywhere(
    owner: string,
    grants: readonly (string | undefined)[],
    attempt: string,
  ) {
    const replies = await this.everywhere(this.settings.instanceTimeoutMs * 2, 'release', (n, i) =>
      n.release(this.keys, this.spec, owner, grants[i] ?? attempt),
    );
    const ours = replies.filter((r) => r.ok && r.value >= 0).length;
    const failed = replies.filter((r) => !r.ok);
    return { ours, failed };
  }

  private async attemptOnce(
    owner: string,
    grant: string,
    ttlMs: number,
  ): Promise<Attempt<Granted>> {
    const requestedAt = performance.now();
    // Never queued: a hand-off on one instance of N would split the majority.
    const request = { owner, grant, ttlMs, writerIntentMs: 0, queueMs: 0 };
    const replies = await this.everywhere(ttlMs, 'acquire', (n) =>
      n.acquire(this.keys, this.spec, request),
    );
    const answers = replies.map((r) => (r.ok ? r.value : undefined));
    if (answers.some((a) => a?.granted === 'other-mode'))
      throw otherModeError(this.spec.name, owner);
    const granted = answers.filter(
      (a): a is Extract<NodeAttempt, { granted: true }> => a?.granted === true,
    );
    const grants = answers.map((a) => (a?.granted === true ? a.grant : undefined));
    // Redlock step 3: a majority, within the validity time (the TTL minus drift and elapsed).
    if (granted.length >= this.quorum && validUntilOf(requestedAt, ttlMs) > performance.now()) {
      // The largest per-instance counter: NOT a fencing token (see the header).
      let token = 0n;
      for (const a of granted) if (a.token > token) token = a.token;
      return { granted: true, value: { token, grants, requestedAt } };
    }
    // Step 4: failed — give back whatever this attempt took, everywhere.
    await this.releaseEverywhere(owner, grants, grant);
    const failures = replies.filter((r) => !r.ok);
    if (failures.length > this.nodes.length - this.quorum) {
      const first = failures[0] as { error: unknown };
      throw new BackendUnavailableError(
        `redlock ${this.spec.name}: ${failures.length} of ${this.nodes.length} instances failed`,
        { cause: first.error },
      );
    }
    const held = answers.filter(
      (a): a is Extract<NodeAttempt, { granted: false }> => a?.granted === false,
    );
    if (held.length >= this.quorum) {
      return { granted: false, retryInMs: Math.min(...held.map((a) => a.retryInMs)) };
    }
    return {
      granted: false,
      retryInMs: SPLIT_RETRY_MIN_MS + Math.floor(Math.random() * SPLIT_RETRY_SPREAD_MS),
    };
  }

  private async subscribeEverywhere(wake: () => void): Promise<() => void> {
    const subscribed = await Promise.allSettled(
      // Any message is a release (Redlock never queues, so nothing is handed off).
      this.nodes.map((n) => n.subscribe(this.keys.channel, () => wake())),
    );
    const unsubscribes = subscribed.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (unsubscribes.length === 0) throw new BackendUnavailableError('no instance to subscribe on');
    return () => {
      for (const u of unsubscribes) u();
    };
  }

  async acquire(o: AcquireOptions): Promise<LockHandle> {
    const { ttlMs, waitMs, signal, owner } = resolveAcquireOptions(o, this.defaultOwner);
    const grant = newGrantId();
    const granted = await waitForGrant<Granted>({
      attempt: () => this.attemptOnce(owner, grant, ttlMs),
      subscribe: (wake) => this.subscribeEverywhere(wake),
      undo: async (g) => {
        await this.releaseEverywhere(owner, g.grants, grant);
      },
      waitMs,
      signal,
      retryMaxMs: this.settings.retryMaxMs,
      name: this.spec.name,
    });
    return new LeaseHandle(
      {
        name: this.spec.name,
        owner,
        token: granted.token,
        requestedAt: granted.requestedAt,
        ttlMs,
      },
      {
        extend: (ms) => this.extendEverywhere(owner, granted.grants, grant, ms),
        release: async () => {
          const { ours, failed } = await this.releaseEverywhere(owner, granted.grants, grant);
          if (ours === 0 && failed.length > this.nodes.length - this.quorum) {
            throw new BackendUnavailableError(
              `redlock ${this.spec.name}: release reached too few instances`,
              { cause: (failed[0] as { error: unknown }).error },
            );
          }
          return ours > 0;
        },
      },
    );
  }

  /** Extends on every instance: still ours if a majority extended within the validity. */
  private async extendEverywhere(
    owner: string,
    grants: readonly (string | undefined)[],
    attempt: string,
    ttlMs: number,
  ): Promise<boolean> {
    const requestedAt = performance.now();
    const replies = await this.everywhere(ttlMs, 'extend', (n, i) =>
      n.extend(this.keys, this.spec, owner, grants[i] ?? attempt, ttlMs),
    );
    const ours = replies.filter((r) => r.ok && r.value).length;
    if (ours >= this.quorum && validUntilOf(requestedAt, ttlMs) > performance.now()) return true;
    const failed = replies.filter((r) => !r.ok);
    if (ours + failed.length >= this.quorum) {
      throw new BackendUnavailableError(
        `redlock ${this.spec.name}: extend reached ${ours} of the ${this.quorum} needed`,
        { cause: (failed[0] as { error: unknown } | undefined)?.error },
      );
    }
    return false;
  }
}

/** The factory the conformance suite's worker processes call (JSON options). */
export function createLockBackend(options: RedlockOptions): Promise<RedlockBackend> {
  return RedlockBackend.connect(options);
}

export class RedlockBackend implements LockBackend {
  readonly kind = 'redlock';

  private constructor(
    private readonly nodes: readonly RedisNode[],
    private readonly settings: Settings,
  ) {}

  /** Connects to every instance; rejects with BackendUnavailableError unless a majority
   *  connects (the others keep reconnecting in the background and are used when up). */
  static async connect(options: RedlockOptions): Promise<RedlockBackend> {
    const n = options.instances.length;
    if (n < 1) throw new InvalidLockArgument('redlock needs at least one instance');
    const settings: Settings = {
      keyPrefix: options.keyPrefix ?? REDIS_DEFAULTS.keyPrefix,
      instanceTimeoutMs: options.instanceTimeoutMs ?? 500,
      retryMaxMs: options.retryMaxMs ?? REDIS_DEFAULTS.retryMaxMs,
    };
    const nodes = options.instances.map(
      (redis) =>
        new RedisNode({ redis, commandTimeoutMs: settings.instanceTimeoutMs, wakeUnqueued: true }),
    );
    const connected = await Promise.allSettled(nodes.map((node) => node.connect()));
    const failures = connected.filter((c) => c.status === 'rejected');
    if (failures.length > n - quorumOf(n)) {
      for (const node of nodes) node.close();
      throw new BackendUnavailableError(
        `redlock: ${failures.length} of ${n} instances unreachable`,
        {
          cause: (failures[0] as PromiseRejectedResult).reason,
        },
      );
    }
    return new RedlockBackend(nodes, settings);
  }

  lock(spec: LockSpec | string): Lock {
    const resolved = resolveLockSpec(spec);
    if (resolved.mode !== 'exclusive' || resolved.limit !== 1) {
      throw new InvalidLockArgument(
        'redlock does exclusive locks only (semaphores and read/write locks: the redis or etcd backend)',
      );
    }
    return new RedlockLock(resolved, this.nodes, this.settings);
  }

  async close(): Promise<void> {
    for (const node of this.nodes) node.close();
  }
}
