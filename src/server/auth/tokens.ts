// etcd v3.4's simple tokens (auth/simple_token.go, learnt from): Authenticate proposes a
// random 16-letter prefix through Raft, and EVERY member, when it applies that command,
// remembers the token `<prefix>.<log index>` for the user, in memory only. So a token works
// on any member once that member has applied the entry; a member asked about a token whose
// index it has not applied yet waits for it (bounded), as etcd's indexWaiter does. Tokens
// live for etcd's TTL (300 s) after their LAST use, and are dropped when their user is
// deleted or changes password, when auth is disabled, and when the member restarts.
//
// Fault model: tokens arrive from untrusted clients (any string; parsed, never trusted);
// the number of tokens and of waiting lookups is bounded (oldest tokens go first).

import { randomInt } from 'node:crypto';
import type { AuthEffect } from './commands.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const PREFIX_LENGTH = 16;

export interface TokenOptions {
  /** etcd's --auth-token-ttl: 300 s. */
  readonly ttlMs?: number;
  /** How long a lookup waits for the member to apply a token's entry. */
  readonly waitMs?: number;
  readonly maxTokens?: number;
  readonly maxWaiters?: number;
  readonly clock?: () => number;
  /** The member's applied index at start (entries applied before the manager existed). */
  readonly appliedIndex?: number;
}

interface Entry {
  readonly user: string;
  expiresMs: number;
}

interface Waiter {
  readonly index: number;
  readonly done: () => void;
}

/** A token's random part, as etcd's genTokenPrefix draws it. */
export function newTokenPrefix(): string {
  let prefix = '';
  for (let i = 0; i < PREFIX_LENGTH; i++) prefix += LETTERS[randomInt(LETTERS.length)];
  return prefix;
}

export class TokenManager {
  /** token → user; least recently used first (re-inserted on use). */
  private readonly tokens = new Map<string, Entry>();
  private readonly assigned = new Map<string, (token: string) => void>();
  private waiters: Waiter[] = [];
  private appliedIndex = 0;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly maxTokens: number;
  private readonly maxWaiters: number;
  private readonly clock: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(o: TokenOptions = {}) {
    this.ttlMs = o.ttlMs ?? 300_000;
    this.waitMs = o.waitMs ?? 5_000;
    this.maxTokens = o.maxTokens ?? 100_000;
    this.maxWaiters = o.maxWaiters ?? 10_000;
    this.clock = o.clock ?? (() => performance.now());
    this.appliedIndex = o.appliedIndex ?? 0;
    // etcd sweeps expired tokens once a second.
    this.sweeper = setInterval(() => this.sweep(), 1_000);
    this.sweeper.unref();
  }

  get size(): number {
    return this.tokens.size;
  }

  /** Feeds what a command applied at `index` did to tokens (every member, in log order). */
  onApplied(index: number, effect: AuthEffect | undefined): void {
    if (effect !== undefined) {
      if ('assign' in effect) this.assign(`${effect.assign.prefix}.${index}`, effect.assign);
      else if ('invalidate' in effect) this.invalidate(effect.invalidate);
      else this.tokens.clear();
    }
    if (index > this.appliedIndex) {
      this.appliedIndex = index;
      if (this.waiters.length > 0) {
        const ready = this.waiters.filter((w) => w.index <= index);
        this.waiters = this.waiters.filter((w) => w.index > index);
        for (const w of ready) w.done();
      }
    }
  }

  /**
   * Resolves with the whole token once this member applies the Authenticate that proposed
   * `prefix` (call before proposing; the promise rejects after `waitMs`).
   */
  tokenFor(prefix: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.assigned.delete(prefix);
        reject(new Error('the authenticate entry was not applied here in time'));
      }, this.waitMs);
      this.assigned.set(prefix, (token) => {
        clearTimeout(timer);
        this.assigned.delete(prefix);
        resolve(token);
      });
    });
  }

  /** Forgets a `tokenFor` whose proposal failed. */
  abandon(prefix: string): void {
    this.assigned.delete(prefix);
  }

  /** The user a token names (and its TTL restarts), or undefined when it is not valid here. */
  async user(token: string): Promise<string | undefined> {
    // etcd's format check: exactly one dot, then a decimal index (strconv.Atoi).
    const parts = token.split('.');
    if (parts.length !== 2 || !/^\d{1,15}$/.test(parts[1] as string)) return undefined;
    const index = Number(parts[1]);
    if (index > this.appliedIndex && !(await this.waitApplied(index))) return undefined;
    const entry = this.tokens.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresMs <= this.clock()) {
      this.tokens.delete(token);
      return undefined;
    }
    entry.expiresMs = this.clock() + this.ttlMs;
    this.tokens.delete(token);
    this.tokens.set(token, entry);
    return entry.user;
  }

  invalidate(user: string): void {
    for (const [token, entry] of this.tokens) if (entry.user === user) this.tokens.delete(token);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const w of this.waiters) w.done();
    this.waiters = [];
  }

  private assign(token: string, a: { readonly prefix: string; readonly user: string }): void {
    this.tokens.delete(token);
    this.tokens.set(token, { user: a.user, expiresMs: this.clock() + this.ttlMs });
    while (this.tokens.size > this.maxTokens) {
      const oldest = this.tokens.keys().next().value as string;
      this.tokens.delete(oldest);
    }
    this.assigned.get(a.prefix)?.(token);
  }

  private waitApplied(index: number): Promise<boolean> {
    if (this.waiters.length >= this.maxWaiters) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, this.waitMs);
      const waiter: Waiter = {
        index,
        done: () => {
          clearTimeout(timer);
          resolve(this.appliedIndex >= index);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private sweep(): void {
    const now = this.clock();
    for (const [token, entry] of this.tokens) if (entry.expiresMs <= now) this.tokens.delete(token);
  }
}
