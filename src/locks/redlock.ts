// Redlock (issue 17; redis.io "Distributed Locks with Redis"): N independent Redis servers,
// no replication between them. An acquire runs the single-instance grant script
// (redis-scripts.ts) on every instance in parallel, each bounded by a per-instance timeout
// small against the TTL; the lock is ours if a majority granted it and the time that took
// is less than the TTL minus the clock drift (1 % of the TTL + 2 ms, as the spec says) —
// handle.validUntil is that validity. Otherwise the attempt is released wherever it may
// have been granted (also on instances that did not answer: a lost reply may hide a grant;
// not where the answer was "held") and retried after a random delay, so competing clients
// do not split the votes again in lock-step. A release returns once a majority released.
//
// Waiters in one process take turns (LocalTurns): only the longest-waiting one attempts,
// woken once a majority of the instances published a release; the others sleep until it got
// the lock or left. Without that, every release sent all of a process's waiters (and the
// releasing holder, re-acquiring at once) to the instances together, where they split the
// votes and all backed off. Across processes nothing is ordered: Redlock has no queue.
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
/** What a waiter behind another of this process's waiters "finds": held, no expiry known
 *  (it sleeps until its turn comes, or its safety-net timer). */
const NOT_YOUR_TURN = { granted: false, retryInMs: -1 } as const;

/** One waiting acquire of this process: its wake-up, and the instances it heard release. */
interface Turn {
  readonly wake: () => void;
  readonly heard: Set<number>;
}

/** The LocalTurns of one name, made when a first waiter joins, dropped when the last left. */
interface NameTurns {
  peek(): LocalTurns | undefined;
  get(): LocalTurns;
  leave(turns: LocalTurns, turn: Turn): void;
}

/**
 * The waiting acquires of one lock name in this process, oldest first: only the first one
 * attempts (see the header). It is woken once a majority of the instances published a
 * release since it was last woken — an attempt after one instance's message would find the
 * others still held — and whenever the waiter before it left without the lock.
 */
class LocalTurns {
  private readonly turns = new Set<Turn>();

  constructor(private readonly quorum: number) {}

  get size(): number {
    return this.turns.size;
  }

  join(wake: () => void): Turn {
    const turn: Turn = { wake, heard: new Set() };
    this.turns.add(turn);
    return turn;
  }

  leave(turn: Turn): void {
    this.turns.delete(turn);
  }

  isFirst(turn: Turn): boolean {
    return this.first() === turn;
  }

  private first(): Turn | undefined {
    for (const turn of this.turns) return turn;
    return undefined;
  }

  /** Instance `i` published a release (or reconnected: its waiters must look again). */
  heard(turn: Turn, i: number): void {
    if (!this.isFirst(turn)) return;
    turn.heard.add(i);
    if (turn.heard.size < this.quorum) return;
    turn.heard.clear();
    turn.wake();
  }

  /** A waiter left without the lock: the next one attempts now rather than on its timer. */
  passOn(): void {
    this.first()?.wake();
  }
}

/** What one instance said, or the error it failed with. */
type Reply<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

export function quorumOf(instances: number): number {
  return Math.floor(instances / 2) + 1;
}

/**
 * Every instance's reply, or its failure; one that has not answered within `ms` counts as
 * failed (BackendUnavailableError naming it). One timer for all of them. `early` resolves as
 * soon as `enough` says the replies so far decide the outcome (a release: once a majority
 * released, the lock can be granted again; the slowest instance would only add its latency,
 * and its reply changes nothing the caller is told). `all` resolves
 * once every instance answered or timed out. (A class rather than closures: the tsx loader
 * wraps each named closure in a costly __name call, on every operation.)
 */
class Gathering<T> {
  readonly early: Promise<readonly (Reply<T> | undefined)[]>;
  readonly all: Promise<readonly Reply<T>[]>;
  private readonly replies: (Reply<T> | undefined)[];
  private waiting: number;
  private readonly timer: ReturnType<typeof setTimeout>;
  private decide: (replies: readonly (Reply<T> | undefined)[]) => void = noop;
  private finish: (replies: readonly Reply<T>[]) => void = noop;

  constructor(
    promises: readonly Promise<T>[],
    ms: number,
    private readonly what: (i: number) => string,
    private readonly enough: ((replies: readonly (Reply<T> | undefined)[]) => boolean) | undefined,
  ) {
    this.early = new Promise((resolve) => {
      this.decide = resolve;
    });
    this.all = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.replies = promises.map(() => undefined);
    this.waiting = promises.length;
    this.timer = setTimeout(() => this.expire(ms), ms);
    for (let i = 0; i < promises.length; i++) {
      (promises[i] as Promise<T>).then(
        (value) => this.settle(i, { ok: true, value }),
        (error: unknown) => this.settle(i, { ok: false, error }),
      );
    }
  }

  private settle(i: number, reply: Reply<T>): void {
    if (this.replies[i] !== undefined) return;
    this.replies[i] = reply;
    if (--this.waiting > 0) {
      if (this.enough?.(this.replies) === true) this.decide([...this.replies]);
      return;
    }
    clearTimeout(this.timer);
    this.decide(this.replies);
    this.finish(this.replies as Reply<T>[]);
  }

  private expire(ms: number): void {
    for (let i = 0; i < this.replies.length; i++) {
      if (this.replies[i] !== undefined) continue;
      const error = new BackendUnavailableError(`${this.what(i)}: no reply in ${ms} ms`);
      this.settle(i, { ok: false, error });
    }
  }
}

function noop(): void {}
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
    /** This process's waiters of the name, shared by every Lock object of it. */
    private readonly turns: NameTurns,
  ) {
    this.keys = redisLockKeys(settings.keyPrefix, spec.name);
    this.quorum = quorumOf(nodes.length);
  }

  private timeoutMs(ttlMs: number): number {
    return Math.max(1, Math.min(this.settings.instanceTimeoutMs, Math.floor(ttlMs / 2)));
  }

  /** Runs `op` on every instance, each bounded by the per-instance timeout. */
  private everywhere<T>(
    ttlMs: number,
    what: string,
    op: (n: RedisNode, i: number) => Promise<T>,
    enough?: (replies: readonly (Reply<T> | undefined)[]) => boolean,
  ): Gathering<T> {
    const nodes = this.nodes;
    return new Gathering(
      nodes.map((n, i) => op(n, i)),
      this.timeoutMs(ttlMs),
      (i) => `redis ${(nodes[i] as RedisNode).address} ${what}`,
      enough,
    );
  }

  /** Releases one hold on every instance (or on those `where` says); how many said it was
   *  ours, and how many failed. */
  private async releaseEverywhere(
    owner: string,
    grants: readonly (string | undefined)[],
    attempt: string,
    where?: readonly boolean[],
  ) {
    // Released once a majority said so; the others' replies only matter if it did not.
    const replies = await this.everywhere(
      this.settings.instanceTimeoutMs * 2,
      'release',
      (n, i) =>
        where?.[i] === false
          ? Promise.resolve(-1)
          : n.release(this.keys, this.spec, owner, grants[i] ?? attempt),
      (rs) => rs.filter((r) => r?.ok === true && r.value >= 0).length >= this.quorum,
    ).early;
    const ours = replies.filter((r) => r?.ok === true && r.value >= 0).length;
    const failed = replies.filter((r): r is Reply<number> & { ok: false } => r?.ok === false);
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
    // Every instance's reply is awaited (up to the per-instance timeout), as the algorithm
    // has it: a slow instance's time comes off the validity, and its grant id is known.
    const replies = await this.everywhere(ttlMs, 'acquire', (n) =>
      n.acquire(this.keys, this.spec, request),
    ).all;
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
    // Step 4: failed — give back whatever this attempt took: everywhere but where the answer
    // was "held" (that instance granted nothing; one that did not answer may have).
    const maybeGranted = answers.map((a) => a === undefined || a.granted === true);
    if (maybeGranted.some(Boolean))
      await this.releaseEverywhere(owner, grants, grant, maybeGranted);
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

  /** Takes a turn among this process's waiters and listens on every instance for releases. */
  private async subscribeEverywhere(turns: LocalTurns, turn: Turn): Promise<() => void> {
    const subscribed = await Promise.allSettled(
      // Any message is a release (Redlock never queues, so nothing is handed off).
      this.nodes.map((n, i) => n.subscribe(this.keys.channel, () => turns.heard(turn, i))),
    );
    const unsubscribes = subscribed.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const unsubscribe = () => {
      for (const u of unsubscribes) u();
      this.turns.leave(turns, turn);
    };
    if (unsubscribes.length === 0) {
      unsubscribe();
      throw new BackendUnavailableError('no instance to subscribe on');
    }
    return unsubscribe;
  }

  /**
   * The uncontended path: one attempt before any of a wait's machinery is set up, when none
   * of this process's acquires waits for the name (else it would take their turn). Undefined
   * when it did not run or found a majority unavailable (the wait retries through that).
   */
  private async firstAttempt(
    owner: string,
    grant: string,
    ttlMs: number,
    waitMs: number | undefined,
  ): Promise<Attempt<Granted> | undefined> {
    if (waitMs === 0 || this.turns.peek() !== undefined) return undefined;
    try {
      return await this.attemptOnce(owner, grant, ttlMs);
    } catch (error) {
      if (error instanceof BackendUnavailableError) return undefined;
      throw error;
    }
  }

  async acquire(o: AcquireOptions): Promise<LockHandle> {
    const { ttlMs, waitMs, signal, owner } = resolveAcquireOptions(o, this.defaultOwner);
    throwIfAborted(signal);
    const grant = newGrantId();
    const first = await this.firstAttempt(owner, grant, ttlMs, waitMs);
    if (first?.granted === true) return this.handle(owner, grant, ttlMs, first.value);
    let joined: { turns: LocalTurns; turn: Turn } | undefined;
    const channel = this.keys.channel;
    const waiting = () => this.turns.peek()?.size ?? 0;
    const granted = await waitForGrant<Granted>({
      ...(first !== undefined && { first }),
      // A waiter behind another of this process's does not attempt (see LocalTurns); a
      // single attempt (waitMs 0) always does: it does not wait, so it takes nobody's turn.
      attempt: () => {
        const behind = joined === undefined ? waiting() > 0 : !joined.turns.isFirst(joined.turn);
        if (behind && waitMs !== 0) return Promise.resolve(NOT_YOUR_TURN);
        return this.attemptOnce(owner, grant, ttlMs);
      },
      subscribe: (wake) => {
        const turns = this.turns.get();
        joined = { turns, turn: turns.join(() => wake()) };
        return this.subscribeEverywhere(turns, joined.turn);
      },
      subscribedAlready: () => waiting() > 0 && this.nodes.every((n) => n.isSubscribed(channel)),
      leave: async () => this.turns.peek()?.passOn(),
      undo: async (g) => {
        await this.releaseEverywhere(owner, g.grants, grant);
      },
      waitMs,
      signal,
      retryMaxMs: this.settings.retryMaxMs,
      name: this.spec.name,
    });
    return this.handle(owner, grant, ttlMs, granted);
  }

  private handle(owner: string, grant: string, ttlMs: number, granted: Granted): LeaseHandle {
    const { name } = this.spec;
    const { token, requestedAt } = granted;
    return new LeaseHandle(
      { name, owner, token, requestedAt, ttlMs },
      new RedlockGrant(this, owner, grant, granted.grants),
    );
  }

  /** Releases one hold of a grant on every instance (RedlockGrant). */
  async releaseGrant(
    owner: string,
    grants: readonly (string | undefined)[],
    attempt: string,
  ): Promise<boolean> {
    const { ours, failed } = await this.releaseEverywhere(owner, grants, attempt);
    if (ours === 0 && failed.length > this.nodes.length - this.quorum) {
      throw new BackendUnavailableError(
        `redlock ${this.spec.name}: release reached too few instances`,
        { cause: (failed[0] as { error: unknown }).error },
      );
    }
    return ours > 0;
  }

  /** Extends on every instance: still ours if a majority extended within the validity. */
  async extendEverywhere(
    owner: string,
    grants: readonly (string | undefined)[],
    attempt: string,
    ttlMs: number,
  ): Promise<boolean> {
    const requestedAt = performance.now();
    const replies = await this.everywhere(ttlMs, 'extend', (n, i) =>
      n.extend(this.keys, this.spec, owner, grants[i] ?? attempt, ttlMs),
    ).all;
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

/** A grant's operations on the instances (a class, not closures: one object per acquire). */
class RedlockGrant implements GrantOps {
  constructor(
    private readonly lock: RedlockLock,
    private readonly owner: string,
    private readonly attempt: string,
    /** Per instance (a re-entered instance's id is its first grant's). */
    private readonly grants: readonly (string | undefined)[],
  ) {}

  extend(ms: number): Promise<boolean> {
    return this.lock.extendEverywhere(this.owner, this.grants, this.attempt, ms);
  }

  release(): Promise<boolean> {
    return this.lock.releaseGrant(this.owner, this.grants, this.attempt);
  }
}

/** The factory the conformance suite's worker processes call (JSON options). */
export function createLockBackend(options: RedlockOptions): Promise<RedlockBackend> {
  return RedlockBackend.connect(options);
}

export class RedlockBackend implements LockBackend {
  readonly kind = 'redlock';

  /** Each name's waiting acquires in this process (LocalTurns); gone once none waits. */
  private readonly turns = new Map<string, LocalTurns>();

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
    return new RedlockLock(resolved, this.nodes, this.settings, this.turnsOf(resolved.name));
  }

  private turnsOf(name: string): NameTurns {
    const all = this.turns;
    return {
      peek: () => all.get(name),
      get: () => {
        let t = all.get(name);
        if (t === undefined) {
          t = new LocalTurns(quorumOf(this.nodes.length));
          all.set(name, t);
        }
        return t;
      },
      leave: (turns, turn) => {
        turns.leave(turn);
        if (turns.size === 0 && all.get(name) === turns) all.delete(name);
      },
    };
  }

  async close(): Promise<void> {
    for (const node of this.nodes) node.close();
  }
}
