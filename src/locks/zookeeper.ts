// The ZooKeeper lock (issue 17): the seed notes' recipe (and ZooKeeper's own "Locks"
// recipe) on a real ZooKeeper. Each lock name has a persistent parent
// `/cohort-locks/<name>` (the name URI-encoded); an acquirer creates an EPHEMERAL_SEQUENTIAL
// child `lock-<id>-` (`read-<id>-` / `write-<id>-` for read/write locks; <id> is random,
// so a create whose reply was lost can be found again); the lowest sequence number holds.
// A waiter watches only its predecessor (an exists watch) — the node it must outlive — so a
// release wakes one waiter, not the herd: a writer (or plain lock) waits for the node just
// below it, a reader for the last writer below it (readers below it do not block it).
//
// The lease is the session. ZooKeeper has no per-node TTL: an ephemeral node lives as long
// as the session that created it, and the session timeout is per connection — one value
// for a backend object (sessionTimeoutMs, clamped by the server to [2, 20] × tickTime). The
// rule: a holder that dies, stalls or is cut off loses its locks when its session expires,
// sessionTimeoutMs after the server last heard from it, whatever ttlMs says; a live holder
// loses a lock it does not extend within ttlMs, because the handle deletes its own node
// then. validUntil is therefore the request time plus min(ttlMs, session timeout) minus
// drift. Pick sessionTimeoutMs as the longest a crashed holder may block others.
//
// Fencing token: (czxid of the parent << 32) | the child's sequence number. The sequence
// number comes from the parent's child counter, which only grows while the parent exists
// (we never delete parents), and the lowest node holds, so every later grant of the name has
// a larger sequence; were the parent deleted and recreated, its czxid (a zxid: strictly
// increasing in the ensemble's history) is larger, so the token still grows. Limit: 2^31
// children created under one parent. Concurrent readers are granted together and may learn
// of their grants in any order; their tokens differ but only writers' fence anything.
// No semaphore (limit > 1): a waiter would have to notice any holder leaving, i.e. watch
// all children (the herd effect this recipe exists to avoid) — use PostgreSQL or Redis.
// Re-entry is per backend object (per session): the same owner re-acquiring shares the node.
//
// Fault model: the server may be down, restarted or slow (every request has a deadline and
// fails with BackendUnavailableError); a restart within the session timeout keeps the
// session and its nodes. An expired session loses every lock it held (the handles' signals
// fire) and waiters start over on a new session. A node whose create or delete outcome is
// unknown is remembered and deleted on the next reconnect.

import { randomBytes } from 'node:crypto';
import {
  abortReason,
  InvalidLockArgument,
  LockLostError,
  NotAcquiredError,
  NotOwnerError,
  throwIfAborted,
  validateTtl,
} from './errors.js';
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
import { Wakeup } from './wakeup.js';
import { ZkError, ZkSession } from './zookeeper-session.js';

export interface ZooKeeperLockOptions {
  /** host:port[,host:port…] */
  readonly connectString: string;
  /** The session timeout asked for: how long a dead holder blocks others. Default 10 s. */
  readonly sessionTimeoutMs?: number;
  /** A request not answered within this long fails. Default: twice the session timeout
   *  (the client gives up on one connection attempt after the session timeout; a request
   *  queued meanwhile should outlive one reconnection). */
  readonly requestTimeoutMs?: number;
  /** Parent of the lock nodes. Default /cohort-locks. */
  readonly root?: string;
}

export type ChildKind = 'lock' | 'read' | 'write';

export interface Child {
  readonly name: string;
  readonly kind: ChildKind;
  readonly id: string;
  readonly seq: number;
}

const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 1_000;
const CHILD = /^(lock|read|write)-([0-9a-f]{16})-(\d{10})$/;

/** Parses a lock node's name; undefined for anything else under the parent (ignored). */
export function parseChild(name: string): Child | undefined {
  const m = CHILD.exec(name);
  if (m === null) return undefined;
  return { name, kind: m[1] as ChildKind, id: m[2] as string, seq: Number(m[3]) };
}

/** The node `me` must outlive: undefined if `me` holds the lock now. */
export function blockerOf(children: readonly Child[], me: Child): Child | undefined {
  let blocker: Child | undefined;
  for (const c of children) {
    if (c.seq >= me.seq) continue;
    // A reader is blocked by writers (and plain locks) only; anything else by everything.
    if (me.kind === 'read' && c.kind === 'read') continue;
    if (blocker === undefined || c.seq > blocker.seq) blocker = c;
  }
  return blocker;
}

/** (parent czxid << 32) | sequence: grows with every grant of the name (see the header). */
export function fencingToken(parentCzxid: Buffer, seq: number): bigint {
  return (parentCzxid.readBigInt64BE(0) << 32n) | BigInt(seq);
}

/** The parent node of a lock name: URI-encoded, with '.' escaped ('.' and '..' are
 *  reserved path components in ZooKeeper). */
export function lockPath(root: string, name: string): string {
  return `${root}/${encodeURIComponent(name).replaceAll('.', '%2E')}`;
}

function kindOf(spec: ResolvedLockSpec): ChildKind {
  return spec.mode === 'exclusive' ? 'lock' : spec.mode;
}

/** A node we hold (re-entries share it). */
interface HeldNode {
  readonly key: string;
  readonly path: string;
  readonly session: ZkSession;
  readonly token: bigint;
  holds: number;
}

class ZooKeeperHandle implements LockHandle {
  private readonly controller = new AbortController();
  private released = false;
  private until = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unwatch: () => void;

  constructor(
    private readonly backend: ZooKeeperLockBackend,
    private readonly held: HeldNode,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    requestedAt: number,
  ) {
    this.unwatch = held.session.whenExpired(() => this.lose('its ZooKeeper session expired'));
    this.arm(requestedAt, ttlMs);
  }

  get token(): bigint {
    return this.held.token;
  }

  get validUntil(): number {
    return this.until;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Not extended by validUntil: the lock is given up (our node deleted), as its TTL says. */
  private arm(requestedAt: number, ttlMs: number): void {
    clearTimeout(this.timer);
    this.until = validUntilOf(requestedAt, Math.min(ttlMs, this.held.session.timeoutMs));
    this.timer = setTimeout(
      () => {
        if (this.released || this.controller.signal.aborted) return;
        this.lose('not extended within its TTL');
        this.backend.dropHold(this.held).catch(() => {});
      },
      Math.max(0, this.until - performance.now()),
    );
    this.timer.unref?.();
  }

  private lose(why: string): LockLostError {
    clearTimeout(this.timer);
    this.unwatch();
    const error = new LockLostError(`lock ${this.name}: ${why}`);
    if (!this.controller.signal.aborted) this.controller.abort(error);
    return error;
  }

  async extend(ttlMs: number = this.ttlMs): Promise<void> {
    validateTtl(ttlMs);
    if (this.released) throw new LockLostError(`lock ${this.name} was released`);
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
    const requestedAt = performance.now();
    // A round trip the server answers proves the session alive as of requestedAt.
    const ours = await this.held.session.exists(this.held.path);
    if (!ours) throw this.lose('its node is gone');
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
    this.arm(requestedAt, ttlMs);
  }

  async release(): Promise<void> {
    if (this.released) throw new NotOwnerError(`lock ${this.name} was already released`);
    this.released = true;
    const wasLost = this.controller.signal.aborted;
    this.lose('released');
    if (wasLost) throw new NotOwnerError(`lock ${this.name} was lost before the release`);
    const ours = await this.backend.dropHold(this.held);
    if (!ours) throw new NotOwnerError(`lock ${this.name}: its node was gone at the release`);
  }
}

class ZooKeeperLock implements Lock {
  private readonly defaultOwner = randomOwner();

  constructor(
    private readonly backend: ZooKeeperLockBackend,
    readonly spec: ResolvedLockSpec,
  ) {}

  async acquire(options: AcquireOptions): Promise<LockHandle> {
    const o = resolveAcquireOptions(options, this.defaultOwner);
    throwIfAborted(o.signal);
    const deadline =
      o.waitMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + o.waitMs;
    for (let failures = 0; ; failures++) {
      const requestedAt = performance.now();
      try {
        const held = await this.backend.grant(this.spec, o, deadline);
        return new ZooKeeperHandle(
          this.backend,
          held,
          this.spec.name,
          o.owner,
          o.ttlMs,
          requestedAt,
        );
      } catch (error) {
        // Our session expired, or the server was unreachable, while we waited (our node, if
        // any, is deleted or remembered as an orphan): start over while time is left.
        const failure = error instanceof ZkError ? error.failure : undefined;
        const retry = failure === 'expired' || failure === 'unavailable';
        if (!retry || o.waitMs === 0 || o.signal?.aborted === true) throw error;
        const left = deadline - performance.now();
        if (left <= 0 || this.backend.isClosed) throw error;
        const backoffMs = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures, 10));
        await new Wakeup().sleep(Math.min(left, backoffMs), o.signal);
        throwIfAborted(o.signal);
      }
    }
  }
}

export class ZooKeeperLockBackend implements LockBackend {
  readonly kind = 'zookeeper';
  private current: ZkSession;
  private readonly held = new Map<string, HeldNode>();
  /** Nodes whose create or delete outcome is unknown: deleted at the next reconnect. */
  private readonly orphans = new Map<string, { parent: string; id: string }>();
  private closed = false;
  private readonly root: string;

  private constructor(
    private readonly options: ZooKeeperLockOptions,
    first: ZkSession,
  ) {
    this.root = options.root ?? '/cohort-locks';
    this.current = first;
    this.watchSession(first);
  }

  static async connect(options: ZooKeeperLockOptions): Promise<ZooKeeperLockBackend> {
    const root = options.root ?? '/cohort-locks';
    if (
      !/^(\/[A-Za-z0-9_.-]+)+$/.test(root) ||
      root.split('/').some((p) => p === '.' || p === '..')
    )
      throw new InvalidLockArgument(`root must be a plain absolute znode path, got ${root}`);
    const session = ZooKeeperLockBackend.newSession(options);
    await session.open();
    return new ZooKeeperLockBackend(options, session);
  }

  private static newSession(options: ZooKeeperLockOptions): ZkSession {
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    const requestTimeoutMs = options.requestTimeoutMs ?? 2 * sessionTimeoutMs;
    return new ZkSession(options.connectString, sessionTimeoutMs, requestTimeoutMs);
  }

  private watchSession(session: ZkSession): void {
    session.whenConnected(() => void this.sweepOrphans(session));
    session.whenExpired(() => {
      // Every node of that session is gone with it.
      this.orphans.clear();
      for (const [key, h] of this.held) if (h.session === session) this.held.delete(key);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The live session, a new one if the last expired. */
  private async session(): Promise<ZkSession> {
    if (this.closed) throw new ZkError('unavailable', 'zookeeper lock backend is closed');
    if (!this.current.expired) return this.current;
    const session = ZooKeeperLockBackend.newSession(this.options);
    this.current = session;
    this.watchSession(session);
    await session.open();
    return session;
  }

  lock(spec: LockSpec | string): Lock {
    const resolved = resolveLockSpec(spec);
    if (resolved.limit > 1) {
      throw new InvalidLockArgument('zookeeper has no semaphore (limit > 1): see zookeeper.ts');
    }
    return new ZooKeeperLock(this, resolved);
  }

  /** Grants (or re-enters) `spec` for `o.owner`; waits until `deadline`. */
  async grant(spec: ResolvedLockSpec, o: ResolvedAcquireOptions, deadline: number) {
    const kind = kindOf(spec);
    const key = `${kind}\0${o.owner}\0${spec.name}`;
    const reentered = this.held.get(key);
    if (reentered !== undefined && !reentered.session.expired) {
      reentered.holds += 1;
      return reentered;
    }
    const session = await this.session();
    const parent = lockPath(this.root, spec.name);
    await session.mkdirp(parent);
    const id = randomBytes(8).toString('hex');
    const name = await this.create(session, parent, `${kind}-${id}-`, o.owner, id);
    try {
      const token = await this.waitForTurn(session, parent, name, o, deadline);
      const held: HeldNode = { key, path: `${parent}/${name}`, session, token, holds: 1 };
      this.held.set(key, held);
      return held;
    } catch (error) {
      await this.removeOrRemember(session, parent, name, id);
      throw error;
    }
  }

  /** Creates our node; after a lost reply, finds it by its id. Returns its name. */
  private async create(
    session: ZkSession,
    parent: string,
    prefix: string,
    owner: string,
    id: string,
  ): Promise<string> {
    try {
      const path = await session.createEphemeralSequential(
        `${parent}/${prefix}`,
        Buffer.from(owner),
      );
      return path.slice(parent.length + 1);
    } catch (error) {
      if (!(error instanceof ZkError) || error.failure !== 'unavailable') throw error;
      try {
        const { children } = await session.children(parent);
        const found = children.find((c) => parseChild(c)?.id === id);
        if (found !== undefined) return found;
      } catch {
        // Still unknown.
      }
      this.orphans.set(id, { parent, id });
      throw error;
    }
  }

  /** Waits until our node holds; returns its fencing token. */
  private async waitForTurn(
    session: ZkSession,
    parent: string,
    name: string,
    o: ResolvedAcquireOptions,
    deadline: number,
  ): Promise<bigint> {
    const wakeup = new Wakeup();
    const unwatch = [
      session.whenExpired(() => wakeup.fire()),
      session.whenConnected(() => wakeup.fire()),
    ];
    try {
      for (;;) {
        wakeup.fired = false;
        const { children, stat } = await session.children(parent);
        const parsed = children.map(parseChild).filter((c): c is Child => c !== undefined);
        const me = parsed.find((c) => c.name === name);
        if (me === undefined) throw new ZkError('expired', `zookeeper: our node ${name} is gone`);
        const blocker = blockerOf(parsed, me);
        if (blocker === undefined) {
          if (o.signal?.aborted === true) throw abortReason(o.signal);
          return fencingToken(stat.czxid, me.seq);
        }
        const left = deadline - performance.now();
        if (o.waitMs === 0) throw new NotAcquiredError(`lock ${parent} is held`);
        if (left <= 0) throw new NotAcquiredError(`lock ${parent} still held after ${o.waitMs} ms`);
        throwIfAborted(o.signal);
        // Watch only the node we must outlive; if it is gone already, look again.
        const there = await session.existsWatch(`${parent}/${blocker.name}`, () => wakeup.fire());
        if (!there) continue;
        await wakeup.sleep(left, o.signal);
        throwIfAborted(o.signal);
        if (session.expired) throw new ZkError('expired', 'zookeeper: session expired');
      }
    } finally {
      for (const f of unwatch) f();
    }
  }

  private async removeOrRemember(session: ZkSession, parent: string, name: string, id: string) {
    try {
      await session.remove(`${parent}/${name}`);
    } catch {
      if (!session.expired) this.orphans.set(id, { parent, id });
    }
  }

  private async sweepOrphans(session: ZkSession): Promise<void> {
    for (const [id, { parent }] of [...this.orphans]) {
      try {
        const { children } = await session.children(parent);
        const found = children.find((c) => parseChild(c)?.id === id);
        if (found !== undefined) await session.remove(`${parent}/${found}`);
        this.orphans.delete(id);
      } catch {
        // Next reconnect.
      }
    }
  }

  /** Drops one hold; the last deletes the node. True if the node was still there. */
  async dropHold(held: HeldNode): Promise<boolean> {
    held.holds -= 1;
    if (held.holds > 0) return !held.session.expired;
    if (this.held.get(held.key) === held) this.held.delete(held.key);
    if (held.session.expired) return false;
    try {
      return await held.session.remove(held.path);
    } catch (error) {
      const id = parseChild(held.path.slice(held.path.lastIndexOf('/') + 1))?.id;
      const parent = held.path.slice(0, held.path.lastIndexOf('/'));
      if (id !== undefined) this.orphans.set(id, { parent, id });
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.held.clear();
    this.current.end();
  }
}

/** The conformance worker's entry point (test/support/lock-worker.ts): options are JSON. */
export function createLockBackend(options: ZooKeeperLockOptions): Promise<ZooKeeperLockBackend> {
  return ZooKeeperLockBackend.connect(options);
}
