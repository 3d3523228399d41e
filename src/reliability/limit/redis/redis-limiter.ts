// Rate limiters shared by every process that talks to one Redis: the same algorithms and
// the same RateLimiter interface as the in-process limiters, each decision one atomic Lua
// script (scripts.ts) on Redis server time, so any number of clients on any number of
// connections and machines admit together exactly what one in-process limiter would.
//
// Fault model: the server may be down, restarted, paused or slow. A command is never queued
// while disconnected and never re-sent after a reconnect (the EVALSHA→EVAL fallback after
// NOSCRIPT is not a re-send: the script did not run); a command that fails, times out
// or finds the connection down rejects with LimitError 'unavailable' (the client's error as
// `cause`) — whether to admit or refuse then is the caller's policy (fail open or closed). A
// decision whose reply was lost may have counted: that errs towards refusing, never towards
// admitting more. A restart without persistence forgets every key (see scripts.ts). Keys and
// costs are validated before Redis sees them; configuration errors throw at construction;
// replies are checked against the shape the scripts return.
//
// The connection policy is set here rather than shared with src/locks' Redis node (the
// reliability layer imports only core and src/redis' script runner). A client passed in
// keeps its own policy, its own command timeout included.

import { Redis, type RedisOptions } from 'ioredis';
import {
  CommandDeadlines,
  evalScript,
  type LoadedScript,
  loadScript,
  withinMs,
} from '../../../redis/scripts.js';
import { LimitError, validateCost, validateKey } from '../errors.js';
import type { Gcra } from '../gcra.js';
import { createRule, type LimiterConfig } from '../index.js';
import type { LeakyQueue } from '../leaky-bucket.js';
import type { TokenBucket } from '../token-bucket.js';
import type { AlgorithmName, Decision, LimitAlgorithm, RateLimiter } from '../types.js';
import type { FixedWindow } from '../windows.js';
import { LIMIT_SCRIPTS, type LimitScriptName } from './scripts.js';

export interface RedisLimiterOptions {
  /** An ioredis client (used as it is, never closed here), or options or a redis:// URL for
   *  a client made here: no offline queue, no re-sent commands, a command timeout. */
  readonly redis: Redis | RedisOptions | string;
  /** Prepended to every key (default 'cohort:limit:'); one prefix per limit you configure. */
  readonly prefix?: string;
  /** For a client made here: a command not answered within this long fails (default 1000). */
  readonly commandTimeoutMs?: number;
}

export interface RedisDecision extends Decision {
  /** The Redis server time (ms since the epoch) the decision was made at. */
  readonly atMs: number;
}

const MAX_PREFIX_LENGTH = 256;

const SCRIPT_OF: Record<AlgorithmName, LimitScriptName> = {
  'token-bucket': 'cohortLimitTokenBucket',
  'leaky-meter': 'cohortLimitLeakyMeter',
  gcra: 'cohortLimitGcra',
  'leaky-queue': 'cohortLimitLeakyQueue',
  'fixed-window': 'cohortLimitFixedWindow',
  'sliding-counter': 'cohortLimitSlidingCounter',
  'sliding-log': 'cohortLimitSlidingLog',
};

/** Each script with its SHA-1, for EVALSHA. */
const SCRIPTS = Object.fromEntries(
  Object.entries(LIMIT_SCRIPTS).map(([name, s]) => [name, loadScript(s)]),
) as Record<LimitScriptName, LoadedScript>;

/** The script's parameters (all but the cost) for a validated rule. */
function scriptArgs(rule: LimitAlgorithm<unknown>): string[] {
  switch (rule.name) {
    case 'token-bucket':
    case 'leaky-meter':
    case 'gcra': {
      const { rate, periodMs, capacity } = (rule as unknown as TokenBucket | Gcra).rate;
      return [rate, periodMs, capacity].map(String);
    }
    case 'leaky-queue': {
      const { rate, periodMs } = (rule as unknown as LeakyQueue).rate;
      return [rate, periodMs, rule.maxCost].map(String);
    }
    default: {
      const { limit, windowMs } = rule as unknown as FixedWindow;
      return [limit, windowMs].map(String);
    }
  }
}

/** Our replies are parsed in ioredis's default ('legacy') reply mapping. */
type ClientOptions = Omit<RedisOptions, 'replyMapping'>;

function clientOptions(redis: RedisOptions | string): ClientOptions {
  const { replyMapping: _ignored, ...base }: RedisOptions = typeof redis === 'string' ? {} : redis;
  return {
    ...base,
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // No commandTimeout: ioredis would arm a timer per command; CommandDeadlines bounds them.
    commandTimeout: undefined,
    // Unless told otherwise, reconnect for ever, at most 200 ms apart: a restarted server is
    // found again soon.
    retryStrategy: base.retryStrategy ?? ((times: number) => Math.min(20 * times, 200)),
  };
}

function isNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

export class RedisLimiter implements RateLimiter {
  readonly algorithm: AlgorithmName;
  readonly prefix: string;
  readonly rule: LimitAlgorithm<unknown>;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly script: LoadedScript;
  /** The command timeout of a client made here (a client passed in has its own). */
  private readonly deadlines: CommandDeadlines | undefined;
  private readonly args: string[];

  /** Throws LimitError on a bad configuration; does not connect a client it makes (connect()). */
  constructor(config: LimiterConfig, options: RedisLimiterOptions) {
    this.rule = createRule(config);
    this.algorithm = this.rule.name;
    const prefix = options.prefix ?? 'cohort:limit:';
    if (typeof prefix !== 'string' || prefix.length > MAX_PREFIX_LENGTH)
      throw new LimitError('invalid-key', `prefix must be a string of ≤ ${MAX_PREFIX_LENGTH}`);
    this.prefix = `${prefix}${this.algorithm}:`;
    this.args = scriptArgs(this.rule);
    if (options.redis instanceof Redis) {
      this.client = options.redis;
      this.ownsClient = false;
      this.deadlines = undefined;
    } else {
      const timeout = options.commandTimeoutMs ?? 1000;
      if (!Number.isInteger(timeout) || timeout < 1)
        throw new LimitError('invalid-time', `commandTimeoutMs must be ≥ 1, got ${timeout}`);
      const opts = clientOptions(options.redis);
      this.client =
        typeof options.redis === 'string' ? new Redis(options.redis, opts) : new Redis(opts);
      this.ownsClient = true;
      this.deadlines = new CommandDeadlines(timeout, (entry) =>
        entry.reject(new Error(`Command timed out: no reply within ${timeout} ms`)),
      );
      // Errors surface on the commands; an unhandled 'error' event would only add noise.
      this.client.on('error', () => {});
    }
    this.script = SCRIPTS[SCRIPT_OF[this.algorithm]];
  }

  /** A limiter whose client is connected; LimitError 'unavailable' if the server is not there. */
  static async connect(config: LimiterConfig, options: RedisLimiterOptions): Promise<RedisLimiter> {
    const limiter = new RedisLimiter(config, options);
    try {
      await limiter.connect();
    } catch (error) {
      await limiter.close(); // The caller never gets it: stop its reconnecting.
      throw error;
    }
    return limiter;
  }

  async connect(): Promise<void> {
    if (!this.ownsClient || this.client.status !== 'wait') return;
    try {
      await this.bounded(this.client.connect());
    } catch (error) {
      throw this.unavailable('connect', error);
    }
  }

  /** `p`, or a timeout after commandTimeoutMs on a client made here (a paused server). */
  private bounded<T>(p: Promise<T>): Promise<T> {
    const ms = this.deadlines?.ms;
    return ms === undefined ? p : withinMs(p, ms);
  }

  /** The Redis keys holding `key`'s state (the sliding log has two). */
  keysOf(key: string): string[] {
    const base = `${this.prefix}{${key}}`;
    return this.algorithm === 'sliding-log' ? [base, `${base}:log`] : [base];
  }

  async decide(key: string, cost = 1): Promise<RedisDecision> {
    validateKey(key);
    validateCost(cost, this.rule.maxCost);
    const base = `${this.prefix}{${key}}`;
    const args =
      this.algorithm === 'sliding-log'
        ? [base, `${base}:log`, ...this.args, cost]
        : [base, ...this.args, cost];
    let reply: unknown;
    try {
      reply = await this.run(args);
    } catch (error) {
      throw this.unavailable('decide', error);
    }
    return this.parse(reply);
  }

  /** The script's reply; the client's error, or a timeout on a client made here. */
  private run(args: (string | number)[]): Promise<unknown> {
    const deadlines = this.deadlines;
    if (deadlines === undefined) return evalScript(this.client, this.script, args);
    return new Promise((resolve, reject) => {
      const entry = deadlines.add('decide', reject);
      evalScript(this.client, this.script, args).then(
        (reply) => {
          if (deadlines.settle(entry)) resolve(reply);
        },
        (error: unknown) => {
          if (deadlines.settle(entry)) reject(error);
        },
      );
    });
  }

  private parse(reply: unknown): RedisDecision {
    if (Array.isArray(reply) && reply.length === 5 && reply.every(isNumber)) {
      const [allowed, remaining, retryAfterMs, delayMs, atMs] = reply as number[];
      if (allowed === 0 || allowed === 1)
        return { allowed: allowed === 1, remaining, retryAfterMs, delayMs, atMs } as RedisDecision;
    }
    throw new LimitError('unavailable', `redis: unexpected reply ${JSON.stringify(reply)}`);
  }

  private unavailable(what: string, error: unknown): LimitError {
    const message = error instanceof Error ? error.message : String(error);
    // A value we did not write (the script's check), or a key of another type.
    if (/^(COHORT-LIMIT-STATE|WRONGTYPE)/.test(message.replace(/^ERR /, '')))
      return new LimitError('bad-state', `redis ${what}: ${message}`, { cause: error });
    return new LimitError('unavailable', `redis ${what}: ${message}`, { cause: error });
  }

  /** Closes a client made here (a client passed in is left open). */
  async close(): Promise<void> {
    if (!this.ownsClient || this.client.status === 'end') return;
    try {
      await this.bounded(this.client.quit());
    } catch {
      this.client.disconnect(); // Refused, or no answer in time (a paused server).
    }
  }
}
