// A counting semaphore (issue 17): at most `limit` holders of `name` at once. Each acquirer
// puts one key `name/<lease hex>-<nonce>` attached to its session's lease (created only if
// absent, in a Txn that also reads the queue at the same revision); the `limit` keys with the
// lowest create revisions hold permits. A waiter watches the `limit` keys just before its own
// — its predecessors within one window — and re-reads when one of them goes: any admission
// needs one of those to leave (the keys further ahead are at least `limit` on their own), so
// no wake-up is missed, and a departure wakes at most `limit` waiters, never the whole queue
// (no herd). Watching a single key would not do: with limit 2, the holder just ahead of the
// first waiter may leave while the other holder stays.
//
// The permit's `token` is its key's create revision: it grows with every grant under `name`
// (a fencing token). Its `signal` aborts when the permit is lost (holding.ts).
//
// Fault model: see session.ts and holding.ts. The create is a Txn guarded by the key's
// absence, so it may be retried. An acquire that ends without a permit (timeout, signal,
// session lost, error) deletes its key, so nobody queues behind a waiter that left; if even
// that delete fails, the key goes with the session's lease.

import { randomUUID } from 'node:crypto';
import type { Client } from '../client.js';
import type { CallOptions } from '../connection.js';
import { Compare, Op } from '../txn.js';
import type { KeyValue } from '../values.js';
import { HoldLostError } from './errors.js';
import { Holding } from './holding.js';
import { type Session, type SessionOptions, sessionFor } from './session.js';
import { type SeenKey, waitAnyGone, withDeadline } from './wait.js';

export type AcquireOptions = SessionOptions & {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
};

/** A held permit. `signal` aborts (HoldLostError) when it is lost or released. */
export class Permit {
  private released = false;

  constructor(
    private readonly client: Client,
    private readonly holding: Holding,
    private readonly closeSession: (() => Promise<void>) | undefined,
  ) {}

  get key(): string {
    return this.holding.held.key;
  }

  /** The key's create revision: strictly greater for every later grant (fencing token). */
  get token(): number {
    return this.holding.held.createRevision;
  }

  get signal(): AbortSignal {
    return this.holding.signal;
  }

  /** Gives the permit back (deletes the key; revokes the lease if acquire opened it). */
  async release(options?: CallOptions): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.holding.stop(new Error('released'));
    try {
      await deleteIfOurs(this.client, this.holding.held, options);
    } finally {
      await this.closeSession?.();
    }
  }
}

function deleteIfOurs(client: Client, seen: SeenKey, options?: CallOptions) {
  return client
    .txn()
    .if(Compare.createRevision(seen.key, '=', seen.createRevision))
    .then(Op.delete(seen.key))
    .commit(options);
}

const byCreate = { target: 'CREATE', order: 'ASCEND' } as const;

export class Semaphore {
  constructor(
    private readonly client: Client,
    readonly name: string,
    readonly limit: number,
  ) {
    if (name === '') throw new RangeError('a semaphore needs a name');
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`bad limit ${limit}`);
  }

  private get prefix(): string {
    return `${this.name}/`;
  }

  /** Waits for a permit (until `timeoutMs`, `signal`, or the session's loss). */
  async acquire(options: AcquireOptions = {}): Promise<Permit> {
    const { session, owned } = await sessionFor(this.client, options);
    const closeSession = owned ? () => session.close() : undefined;
    const key = `${this.prefix}${session.idHex}-${randomUUID()}`;
    let mine: SeenKey | undefined;
    try {
      return await withDeadline('semaphore acquire', options, [session.signal], async (signal) => {
        const created = await this.create(key, session);
        mine = { key, createRevision: created.createRevision };
        const revision = await this.waitTurn(mine, signal);
        const holding = new Holding(this.client, mine, revision, session);
        if (owned)
          holding.signal.addEventListener('abort', () => void session.close().catch(() => {}));
        return new Permit(this.client, holding, closeSession);
      });
    } catch (e) {
      if (closeSession !== undefined) await closeSession().catch(() => {});
      else if (mine !== undefined) await deleteIfOurs(this.client, mine).catch(() => {});
      throw e;
    }
  }

  /** How many keys (holders and waiters) are queued now. */
  async queued(options?: CallOptions): Promise<number> {
    return (await this.client.get(this.prefix, { ...options, prefix: true, countOnly: true }))
      .count;
  }

  /** Puts our key if absent; its create revision and the revision of the write. */
  private async create(key: string, session: Session) {
    const r = await this.client
      .txn()
      .if(Compare.createRevision(key, '=', 0))
      .then(Op.put(key, '', { lease: session.lease }))
      .else(Op.get(key))
      .commit();
    const existing = r.responses[0];
    const createRevision =
      r.succeeded || existing?.type !== 'get'
        ? r.header.revision
        : (existing.kvs[0]?.createRevision ?? r.header.revision);
    return { createRevision };
  }

  /** Reads the queue until `mine` is among the first `limit`; the revision of that read. */
  private async waitTurn(mine: SeenKey, signal: AbortSignal): Promise<number> {
    for (;;) {
      const got = await this.client.get(this.prefix, { prefix: true, sort: byCreate, signal });
      const index = got.kvs.findIndex(
        (kv) => kv.createRevision === mine.createRevision && kv.keyString() === mine.key,
      );
      if (index < 0) throw new HoldLostError(mine.key, 'deleted');
      if (index < this.limit) return got.header.revision;
      const ahead = got.kvs.slice(index - this.limit, index).map(seenOf);
      await waitAnyGone(this.client, ahead, got.header.revision, signal);
    }
  }
}

const seenOf = (kv: KeyValue): SeenKey => ({
  key: kv.keyString(),
  createRevision: kv.createRevision,
});
