// Barriers (issue 17), etcd's recipes on its v3 API.
//
// Barrier: one key. `hold()` puts it (if absent), `release()` deletes it, and `wait()`
// returns once it is absent: waiters read it, and if it is there, watch that key alone from
// the revision of the read for its deletion. Hold it under a session (`lease`) so that a
// holder that dies releases it when its lease runs out.
//
// DoubleBarrier (etcd's recipe): `count` participants; `enter()` puts an ephemeral key
// `name/waiters/<lease hex>-<nonce>` and returns once `count` have arrived — the last to
// arrive puts `name/ready`, which the others watch for (from the revision of their own key);
// `leave()` returns once every participant has left: the one with the lowest key waits for
// the highest to go; every other deletes its key and waits for the lowest to go; each wake-up
// re-reads, and the last one deletes `name/ready` (so the name can be used again).
//
// Fault model: see session.ts. A participant that dies has its key deleted with its lease,
// which unblocks `leave` for the others (and counts as having left). One caveat from etcd's
// recipe: `enter` counts arrivals, not a new round, so a barrier is reused only after
// everyone has left. More than `count` arrivals are refused (TooManyClientsError).

import { randomUUID } from 'node:crypto';
import type { Client } from '../client.js';
import type { CallOptions } from '../connection.js';
import { Compare, Op } from '../txn.js';
import type { LeaseRef } from '../values.js';
import { TooManyClientsError } from './errors.js';
import { type Session, type SessionOptions, sessionFor } from './session.js';
import { type WaitOptions, waitEvent, waitGone, withDeadline } from './wait.js';

export class Barrier {
  constructor(
    private readonly client: Client,
    readonly key: string,
  ) {
    if (key === '') throw new RangeError('a barrier needs a key');
  }

  /** Raises the barrier (puts the key if absent); true if this call raised it. */
  async hold(options: CallOptions & { readonly lease?: LeaseRef } = {}): Promise<boolean> {
    const r = await this.client
      .txn()
      .if(Compare.createRevision(this.key, '=', 0))
      .then(Op.put(this.key, '', options.lease === undefined ? {} : { lease: options.lease }))
      .commit(options);
    return r.succeeded;
  }

  /** Lowers the barrier: every waiter returns. */
  async release(options?: CallOptions): Promise<void> {
    await this.client.delete(this.key, options);
  }

  /** Returns once the barrier is down (at once if it is not held). */
  async wait(options: WaitOptions = {}): Promise<void> {
    await withDeadline('barrier wait', options, [], async (signal) => {
      const got = await this.client.get(this.key, { signal });
      const kv = got.kvs[0];
      if (kv === undefined) return;
      const seen = { key: this.key, createRevision: kv.createRevision };
      await waitGone(this.client, seen, got.header.revision, signal);
    });
  }
}

export type EnterOptions = SessionOptions & WaitOptions;

export class DoubleBarrier {
  private session: Session | undefined;
  private owned = false;
  private myKey: string | undefined;

  constructor(
    private readonly client: Client,
    readonly name: string,
    readonly count: number,
  ) {
    if (name === '') throw new RangeError('a double barrier needs a name');
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`bad count ${count}`);
  }

  private get waiters(): string {
    return `${this.name}/waiters/`;
  }

  private get ready(): string {
    return `${this.name}/ready`;
  }

  /** Arrives; returns once `count` participants have arrived. */
  async enter(options: EnterOptions = {}): Promise<void> {
    if (this.myKey !== undefined) throw new Error(`${this.name}: entered already`);
    const { session, owned } = await sessionFor(this.client, options);
    this.session = session;
    this.owned = owned;
    const key = `${this.waiters}${session.idHex}-${randomUUID()}`;
    try {
      const put = await this.client.put(key, '', { lease: session.lease });
      this.myKey = key;
      await withDeadline('double barrier enter', options, [session.signal], async (signal) => {
        const got = await this.client.get(this.waiters, { prefix: true, countOnly: true, signal });
        if (got.count > this.count) throw new TooManyClientsError(this.name, this.count, got.count);
        if (got.count === this.count) {
          await this.client.put(this.ready, '');
          return;
        }
        const after = put.header.revision;
        const ready = await waitEvent(
          this.client,
          this.ready,
          { afterRevision: after, type: 'PUT' },
          signal,
        );
        // After a compaction, the ready key itself says whether everyone arrived meanwhile.
        if (ready === 'compacted' && (await this.client.get(this.ready, { signal })).count === 0)
          throw new Error(`${this.name}: history compacted while entering; enter again`);
      });
    } catch (e) {
      await this.cleanUp();
      throw e;
    }
  }

  /** Leaves; returns once every participant has left. */
  async leave(options: WaitOptions = {}): Promise<void> {
    const myKey = this.myKey;
    if (myKey === undefined) throw new Error(`${this.name}: not entered`);
    try {
      await withDeadline('double barrier leave', options, [], (signal) =>
        this.leaveLoop(myKey, signal),
      );
    } finally {
      await this.cleanUp();
    }
  }

  private async leaveLoop(myKey: string, signal: AbortSignal): Promise<void> {
    for (;;) {
      const got = await this.client.get(this.waiters, { prefix: true, signal });
      if (got.kvs.length === 0) return;
      let [lowest, highest] = [got.kvs[0]!, got.kvs[0]!];
      for (const kv of got.kvs) {
        if (kv.modRevision < lowest.modRevision) lowest = kv;
        if (kv.modRevision > highest.modRevision) highest = kv;
      }
      const mine = got.kvs.find((kv) => kv.keyString() === myKey);
      if (got.kvs.length === 1 && mine !== undefined) {
        // The last one out: lower the ready flag, then go.
        await this.client.txn().then(Op.delete(this.ready), Op.delete(myKey)).commit();
        return;
      }
      const seenOf = (kv: typeof lowest) => ({
        key: kv.keyString(),
        createRevision: kv.createRevision,
      });
      if (mine !== undefined && mine === lowest) {
        await waitGone(this.client, seenOf(highest), got.header.revision, signal);
        continue;
      }
      if (mine !== undefined) await this.client.delete(myKey);
      await waitGone(this.client, seenOf(lowest), got.header.revision, signal);
    }
  }

  /** Forgets the arrival; revokes the session if enter opened it. */
  private async cleanUp(): Promise<void> {
    const [key, session, owned] = [this.myKey, this.session, this.owned];
    this.myKey = undefined;
    this.session = undefined;
    if (owned) await session?.close().catch(() => {});
    else if (key !== undefined) await this.client.delete(key).catch(() => {});
  }
}
