// Lua scripts on one ioredis connection, the cheap way: shared by the Redis lock node
// (src/locks/redis-node.ts) and the Redis rate limiter (src/reliability/limit/redis). Both
// run one script per operation, so what ioredis adds per command shows in their rates.
//
// - A script is sent by EVALSHA, and by EVAL only when the server answers NOSCRIPT (it then
//   did not run, so this is not a re-send). ioredis's defineCommand does the same through
//   a Command/Script wrapper per call.
// - A connection's command timeout is ONE timer (CommandDeadlines), not ioredis's
//   commandTimeout, which arms and clears a timer per command: about a tenth of a
//   decision's client CPU in a one-worker loop against a local Redis.

import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LuaScript {
  readonly numberOfKeys: number;
  readonly lua: string;
}

/** A script with its SHA-1, for EVALSHA. */
export interface LoadedScript extends LuaScript {
  readonly sha: string;
}

export function loadScript(script: LuaScript): LoadedScript {
  return { ...script, sha: createHash('sha1').update(script.lua).digest('hex') };
}

/** Runs `script` with KEYS then ARGV in `args`; rejects with the client's error. */
export function evalScript(
  client: Redis,
  script: LoadedScript,
  args: readonly (string | number)[],
): Promise<unknown> {
  return client.evalsha(script.sha, script.numberOfKeys, ...args).catch((error: unknown) => {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script.lua, script.numberOfKeys, ...args);
  });
}

/**
 * `p`, or a rejection ("no reply within `ms` ms") once `ms` pass first. For what the per-command
 * deadlines do not cover: a connect, a QUIT, a SUBSCRIBE left queued for the next connection.
 */
export async function withinMs<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** One command in flight: failed by CommandDeadlines once too old, unless it settled first. */
export interface InFlight {
  readonly at: number;
  readonly what: string;
  readonly reject: (error: unknown) => void;
  done: boolean;
}

/**
 * The command timeout of one connection: commands in flight, oldest first (they all have the
 * same timeout, so the oldest is the first to run out), and ONE timer, armed for the oldest.
 * A command failed here may still run on the server (as with ioredis's own timeout).
 */
export class CommandDeadlines {
  private readonly queue: InFlight[] = [];
  private head = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ms: number,
    /** Fails an entry that ran out of time (calls its `reject`). */
    private readonly fail: (entry: InFlight) => void,
  ) {}

  add(what: string, reject: (error: unknown) => void): InFlight {
    const entry: InFlight = { at: performance.now() + this.ms, what, reject, done: false };
    this.queue.push(entry);
    if (this.timer === undefined) this.arm();
    return entry;
  }

  /** Marks `entry` settled; false if it had already been failed (its reply came too late). */
  settle(entry: InFlight): boolean {
    if (entry.done) return false;
    entry.done = true;
    this.trim();
    return true;
  }

  /** Drops settled commands from the front (replies come in order, so most go at once). */
  private trim(): void {
    const q = this.queue;
    while (this.head < q.length && (q[this.head] as InFlight).done) this.head++;
    if (this.head === q.length) {
      q.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
  }

  private arm(): void {
    const first = this.queue[this.head];
    if (first === undefined) return;
    this.timer = setTimeout(() => this.expire(), Math.max(0, first.at - performance.now()));
  }

  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    const q = this.queue;
    for (let i = this.head; i < q.length; i++) {
      const entry = q[i] as InFlight;
      if (entry.done) continue;
      if (entry.at > now) break;
      entry.done = true;
      this.fail(entry);
    }
    this.trim();
    this.arm();
  }
}
