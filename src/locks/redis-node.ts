// One Redis server as a lock store: an ioredis client that runs the lock scripts
// (redis-scripts.ts) and a second, subscriber connection for the release channels that wake
// waiters. The Redis backend uses one node; Redlock uses N independent ones.
//
// Fault model: the server may be down, restarted, paused or slow. Commands are never queued
// while disconnected and never re-sent after a reconnect (a re-sent acquire could take a
// second hold the caller never sees); a command that fails, times out or finds the
// connection down rejects with BackendUnavailableError carrying the client's error. A command
// whose reply was lost may still have run: an acquire then holds the lock until its TTL (the
// caller never saw the grant), a release or extend may have happened. Replies are checked
// against the shapes the scripts return; anything else is also BackendUnavailableError.
// Pub/sub messages can be lost (a reconnect drops them): waiters never rely on them alone.

import { Redis, type RedisOptions } from 'ioredis';
import {
  CommandDeadlines,
  evalScript,
  type LoadedScript,
  loadScript,
  withinMs,
} from '../redis/scripts.js';
import { BackendUnavailableError } from './errors.js';
import type { ResolvedLockSpec } from './lock.js';
import { LOCK_SCRIPTS, type RedisLockKeys } from './redis-scripts.js';

export interface RedisNodeOptions {
  /** ioredis connection options (host, port, password, tls, db …) or a redis:// URL. */
  readonly redis: RedisOptions | string;
  /** A command not answered within this long fails (BackendUnavailableError). */
  readonly commandTimeoutMs: number;
  /**
   * Whether some waiters sleep on a lock's channel without queueing (Redlock's: a hand-off
   * on one instance of N would split the majority), so that a release nobody queued took
   * must publish '' to wake them. Off for a backend whose waiters all queue: its release
   * then publishes nothing unless it hands the lock off.
   */
  readonly wakeUnqueued: boolean;
}

/** One acquire attempt's outcome on one node. */
export type NodeAttempt =
  | {
      readonly granted: true;
      readonly token: bigint;
      readonly grant: string;
      /** Granted by a release while we waited (FIFO hand-off), not by this attempt. */
      readonly handedOff?: true;
    }
  | { readonly granted: false; readonly retryInMs: number }
  | { readonly granted: 'other-mode' };

export interface NodeRequest {
  readonly owner: string;
  readonly grant: string;
  readonly ttlMs: number;
  /** For a write lock that will wait: how long its "writer waiting" mark holds readers off. */
  readonly writerIntentMs: number;
  /** Exclusive locks: queue for a FIFO hand-off, the entry living this long (0: never). */
  readonly queueMs: number;
}

type ScriptMode = 'exclusive' | 's' | 'r' | 'w';

function scriptMode(spec: ResolvedLockSpec): ScriptMode {
  if (spec.mode === 'read') return 'r';
  if (spec.mode === 'write') return 'w';
  return spec.limit > 1 ? 's' : 'exclusive';
}

/** Our replies are parsed in ioredis's default ('legacy') reply mapping. */
type NodeConnectionOptions = Omit<RedisOptions, 'replyMapping'>;

function connectionOptions(options: RedisNodeOptions): NodeConnectionOptions {
  const { replyMapping: _ignored, ...base }: RedisOptions =
    typeof options.redis === 'string' ? parseUrl(options.redis) : options.redis;
  return {
    ...base,
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // No commandTimeout: ioredis would arm a timer per command; CommandDeadlines bounds them.
    // Reconnect for ever, at most 200 ms apart: a restarted server is found again soon.
    retryStrategy: (times: number) => Math.min(20 * times, 200),
  };
}

function parseUrl(url: string): RedisOptions {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new BackendUnavailableError(`not a redis:// URL: ${u.protocol}`);
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function exclusiveKeys(keys: RedisLockKeys): [string, string, string, string] {
  return [keys.lock, keys.fence, keys.queue, keys.waiters];
}

function unexpected(where: string, reply: unknown): BackendUnavailableError {
  return new BackendUnavailableError(`${where}: unexpected reply ${JSON.stringify(reply)}`);
}

function parseAttempt(reply: unknown, where: string): NodeAttempt {
  if (!Array.isArray(reply)) throw unexpected(where, reply);
  const [status, a, b] = reply as unknown[];
  const grantedNow = status === 1 || status === 2;
  if (grantedNow && typeof a === 'number' && Number.isSafeInteger(a) && typeof b === 'string') {
    return { granted: true, token: BigInt(a), grant: b, ...(status === 2 && { handedOff: true }) };
  }
  if (status === 0 && typeof a === 'number') return { granted: false, retryInMs: a };
  if (status === -1) return { granted: 'other-mode' };
  throw unexpected(where, reply);
}

type ScriptName = keyof typeof LOCK_SCRIPTS;
type Arg = string | number;

/** Each script with its SHA-1, for EVALSHA. */
const SCRIPTS = Object.fromEntries(
  Object.entries(LOCK_SCRIPTS).map(([name, s]) => [name, loadScript(s)]),
) as Record<ScriptName, LoadedScript>;

/** A release's reply: the holds left, or −1. */
function parseCount(reply: unknown, where: string): number {
  if (typeof reply !== 'number') throw unexpected(where, reply);
  return reply;
}

/** An extend's reply: 1 (still ours) or 0. */
function parseOurs(reply: unknown, where: string): boolean {
  if (reply !== 0 && reply !== 1) throw unexpected(where, reply);
  return reply === 1;
}

interface Subscription {
  readonly wakers: Set<(message: string) => void>;
  ready: Promise<unknown>;
  /** Redis confirmed it: a further waiter on the channel subscribes without a round trip. */
  confirmed: boolean;
}

export class RedisNode {
  private readonly client: Redis;
  private readonly deadlines: CommandDeadlines;
  private subscriber: Redis | undefined;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly options: NodeConnectionOptions;
  private readonly commandTimeoutMs: number;
  /** ARGV of release and leave: '1' when unqueued waiters must be woken. */
  private readonly wakeUnqueued: '0' | '1';
  /** host:port, for error messages. */
  readonly address: string;

  constructor(options: RedisNodeOptions) {
    this.options = connectionOptions(options);
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.wakeUnqueued = options.wakeUnqueued ? '1' : '0';
    this.address = `${this.options.host ?? '127.0.0.1'}:${this.options.port ?? 6379}`;
    this.client = new Redis(this.options);
    this.deadlines = new CommandDeadlines(options.commandTimeoutMs, (entry) =>
      entry.reject(
        this.unavailable(entry.what, new Error(`no reply within ${this.commandTimeoutMs} ms`)),
      ),
    );
    // Errors surface on the commands; an unhandled 'error' event would only add noise.
    this.client.on('error', () => {});
  }

  /** Connects; rejects with BackendUnavailableError if the first attempt fails (the client
   *  keeps trying in the background, so a node that comes up later is used then). */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (error) {
      throw this.unavailable('connect', error);
    }
  }

  private unavailable(what: string, error: unknown): BackendUnavailableError {
    if (error instanceof BackendUnavailableError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new BackendUnavailableError(`redis ${this.address} ${what}: ${message}`, {
      cause: error,
    });
  }

  /** Waits (at most the command timeout) for a reconnecting client to be ready, so that a
   *  command right after a server restart is not refused; it is sent once, when ready. */
  private ready(): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return Promise.resolve();
    if (client.status === 'end' || client.status === 'wait') {
      return Promise.reject(new Error(`connection is ${client.status}`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new Error(`not connected within ${this.commandTimeoutMs} ms`));
      }, this.commandTimeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
    });
  }

  /**
   * Runs a lock script (EVALSHA; EVAL if the server lost it, which means it did not run) and
   * parses its reply; any failure, a missing reply within the command timeout included, is
   * BackendUnavailableError.
   */
  // (No named closures on this path: the tsx loader wraps each one in a costly __name call.)
  private call<T>(
    what: string,
    script: ScriptName,
    args: Arg[],
    parse: (reply: unknown, where: string) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = this.deadlines.add(what, reject);
      (this.client.status === 'ready'
        ? this.send(script, args)
        : this.ready().then(() => this.send(script, args))
      ).then(
        (reply) => {
          if (!this.deadlines.settle(entry)) return;
          try {
            resolve(parse(reply, `redis ${this.address} ${what}`));
          } catch (error) {
            reject(error);
          }
        },
        (error: unknown) => {
          if (this.deadlines.settle(entry)) reject(this.unavailable(what, error));
        },
      );
    });
  }

  private send(script: ScriptName, args: Arg[]): Promise<unknown> {
    return evalScript(this.client, SCRIPTS[script], args);
  }

  async acquire(keys: RedisLockKeys, spec: ResolvedLockSpec, r: NodeRequest): Promise<NodeAttempt> {
    const mode = scriptMode(spec);
    if (mode === 'exclusive') {
      return this.call(
        'acquire',
        'cohortLockAcquire',
        [...exclusiveKeys(keys), r.owner, r.grant, r.ttlMs, r.queueMs, keys.channel],
        parseAttempt,
      );
    }
    const argv = [r.owner, r.grant, r.ttlMs, mode, spec.limit, mode === 'w' ? r.writerIntentMs : 0];
    return this.call(
      'acquire',
      'cohortSharedAcquire',
      [keys.holders, keys.records, keys.fence, keys.writerWaiting, ...argv],
      parseAttempt,
    );
  }

  /** Releases one hold: the holds left (0: gone), or −1 when the grant is not ours. */
  async release(
    keys: RedisLockKeys,
    spec: ResolvedLockSpec,
    owner: string,
    grant: string,
  ): Promise<number> {
    const parse = parseCount;
    if (scriptMode(spec) === 'exclusive') {
      return this.call(
        'release',
        'cohortLockRelease',
        [...exclusiveKeys(keys), grant, keys.channel, this.wakeUnqueued],
        parse,
      );
    }
    return this.call(
      'release',
      'cohortSharedRelease',
      [keys.holders, keys.records, owner, grant, keys.channel],
      parse,
    );
  }

  /** Lengthens the lease to at least `ttlMs`; false when the grant is not ours (lost). */
  async extend(
    keys: RedisLockKeys,
    spec: ResolvedLockSpec,
    owner: string,
    grant: string,
    ttlMs: number,
  ): Promise<boolean> {
    const parse = parseOurs;
    if (scriptMode(spec) === 'exclusive') {
      return this.call('extend', 'cohortLockExtend', [keys.lock, grant, ttlMs], parse);
    }
    return this.call(
      'extend',
      'cohortSharedExtend',
      [keys.holders, keys.records, owner, grant, ttlMs],
      parse,
    );
  }

  /**
   * An exclusive waiter gives up: its queue entry goes, and a grant handed to it meanwhile
   * passes to the next waiter. Best effort: an entry left behind expires on its own.
   */
  async leave(keys: RedisLockKeys, grant: string): Promise<void> {
    await this.call(
      'leave',
      'cohortLockLeave',
      [...exclusiveKeys(keys), grant, keys.channel, this.wakeUnqueued],
      parseCount,
    );
  }

  /**
   * Calls `wake` with every message on `channel` until the returned function is called.
   * Resolves once Redis confirmed the subscription, so a release after that is seen (unless
   * the connection drops: waiters also retry on a timer). Rejects with
   * BackendUnavailableError if the subscription cannot be made.
   */
  async subscribe(channel: string, wake: (message: string) => void): Promise<() => void> {
    const subscriber = this.subscriberClient();
    let s = this.subscriptions.get(channel);
    if (s === undefined) {
      const created: Subscription = {
        wakers: new Set(),
        ready: Promise.resolve(),
        confirmed: false,
      };
      created.ready = subscriber.subscribe(channel).then(() => {
        created.confirmed = true;
      });
      s = created;
      this.subscriptions.set(channel, s);
    }
    const subscription = s;
    subscription.wakers.add(wake);
    const unsubscribe = (): void => {
      subscription.wakers.delete(wake);
      if (subscription.wakers.size > 0 || this.subscriptions.get(channel) !== subscription) return;
      this.subscriptions.delete(channel);
      // Commands on one connection run in order: a later subscribe comes after this.
      subscriber.unsubscribe(channel).catch(() => {});
    };
    if (subscription.confirmed) return unsubscribe;
    // Bounded: the SUBSCRIBE itself waits for a server that is down (it is sent again on the
    // next connection), but a waiter must not; it falls back to its timers.
    try {
      await withinMs(subscription.ready, this.commandTimeoutMs);
    } catch (error) {
      unsubscribe();
      throw this.unavailable('subscribe', error);
    }
    return unsubscribe;
  }

  /** Whether a subscription to `channel` is confirmed (subscribing again is free). */
  isSubscribed(channel: string): boolean {
    return this.subscriptions.get(channel)?.confirmed === true;
  }

  private subscriberClient(): Redis {
    if (this.subscriber !== undefined) return this.subscriber;
    // The offline queue holds SUBSCRIBE until connected, and one sent on a connection that
    // drops before its answer is sent again on the next (SUBSCRIBE is idempotent): otherwise it
    // fails, and its waiters would sleep until their safety-net timers. No command timeout: a
    // SUBSCRIBE that timed out on a busy machine would leave its waiters deaf to releases.
    const subscriber = new Redis({
      ...this.options,
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      autoResendUnfulfilledCommands: true,
      commandTimeout: undefined,
    });
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, message: string) => {
      const s = this.subscriptions.get(channel);
      if (s !== undefined) for (const wake of [...s.wakers]) wake(message);
    });
    // Back after a reconnect (a server restart empties the unlogged queues, and releases
    // published meanwhile are lost): every channel is subscribed again (ioredis's own
    // re-subscription is not relied on alone), then every waiter attempts again at once,
    // re-queueing, rather than sleeping until its safety-net timer. Subscribed first, so a
    // release after the attempt is heard. An empty message means "attempt". "A reconnect" is
    // any ready after a closed connection, the first ready included: a server that dies
    // before the subscriber's first ready takes the SUBSCRIBEs already sent with it.
    let closedBefore = false;
    subscriber.on('close', () => {
      closedBefore = true;
    });
    subscriber.on('ready', () => {
      if (!closedBefore) return; // The first connection: its SUBSCRIBEs go out as queued.
      const channels = [...this.subscriptions.keys()];
      const wakeAll = () => {
        for (const s of this.subscriptions.values()) for (const wake of [...s.wakers]) wake('');
      };
      if (channels.length === 0) return;
      subscriber.subscribe(...channels).then(wakeAll, wakeAll);
    });
    this.subscriber = subscriber;
    return subscriber;
  }

  /** Closes both connections (pending commands reject). */
  close(): void {
    this.client.disconnect();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    this.subscriptions.clear();
  }
}
