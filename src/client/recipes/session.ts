// A session: one lease kept alive (clientv3/concurrency's Session). Every recipe key that must
// vanish with its owner (a candidacy, a semaphore permit, a double barrier's arrival, a
// registered instance) is attached to a session's lease — ZooKeeper's ephemeral node. Recipes
// take a session (shared by several holds) or a `ttlMs` (they then open their own and close
// it when the hold ends), and whatever is held through a session is lost when it is.
//
// Fault model: the keep-alive resumes on other endpoints (client lease.ts); the session is
// lost — `signal` aborts with the LeaseLostError — when renewals stop getting through within
// the TTL (by the client's clock: possibly a little early, never late) or the server no longer
// has the lease. A lost session stays lost: open a new one.

import type { Client } from '../client.js';
import type { CallOptions } from '../connection.js';
import { EtcdError } from '../errors.js';
import type { KeepAlive, Lease } from '../lease.js';

/** etcd's leases have whole seconds; the server may raise a TTL to its minimum (etcd: 2 s). */
export const TTL_MS_MAX = 24 * 60 * 60 * 1000;

export function ttlSecondsOf(ttlMs: number): number {
  if (!(Number.isFinite(ttlMs) && ttlMs >= 1 && ttlMs <= TTL_MS_MAX))
    throw new RangeError(`ttlMs must be 1 ms … 24 h (got ${ttlMs})`);
  return Math.ceil(ttlMs / 1000);
}

export class Session {
  private closed = false;

  private constructor(
    private readonly client: Client,
    readonly lease: Lease,
    readonly keeper: KeepAlive,
  ) {}

  /** Grants a lease of ⌈ttlMs / 1000⌉ s and keeps it alive. */
  static async create(client: Client, ttlMs: number, options: CallOptions = {}): Promise<Session> {
    const lease = await client.grant(ttlSecondsOf(ttlMs), options);
    return new Session(client, lease, lease.keepAlive());
  }

  get id(): bigint {
    return this.lease.id;
  }

  /** The lease id as recipe keys spell it (clientv3's `%x`). */
  get idHex(): string {
    return this.lease.id.toString(16);
  }

  /** Aborts, with the LeaseLostError as its reason, once the lease is lost. */
  get signal(): AbortSignal {
    return this.keeper.signal;
  }

  /** Stops renewing and revokes the lease, deleting every key attached to it. */
  async close(options?: CallOptions): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.keeper.stop();
    try {
      await this.client.revoke(this.lease.id, options);
    } catch (e) {
      if (!(e instanceof EtcdError && e.kind === 'leaseNotFound')) throw e;
    }
  }
}

/** Where a hold's lease comes from: a caller's session, or one of `ttlMs` the hold owns. */
export interface SessionOptions {
  readonly session?: Session;
  /** The lease's TTL when the recipe opens its own session (default 10 s). */
  readonly ttlMs?: number;
}

export const DEFAULT_TTL_MS = 10_000;

/** The caller's session, or a new one the caller of this function must close (`owned`). */
export async function sessionFor(
  client: Client,
  options: SessionOptions & CallOptions,
): Promise<{ session: Session; owned: boolean }> {
  if (options.session !== undefined) {
    if (options.ttlMs !== undefined) throw new TypeError('give a session or a ttlMs, not both');
    return { session: options.session, owned: false };
  }
  const session = await Session.create(client, options.ttlMs ?? DEFAULT_TTL_MS, options);
  return { session, owned: true };
}
