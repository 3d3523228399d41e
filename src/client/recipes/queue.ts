// A distributed FIFO queue (issue 17; etcd's recipe, made exactly-once per item): `enqueue`
// puts a new unique key under the prefix (its create revision orders the queue); `dequeue`
// reads the item with the lowest create revision and deletes it in a Txn guarded by that
// item's mod revision, so of several consumers racing for one item exactly one Txn succeeds
// and the others read again. Items are only ever added above every existing create revision,
// so the item a consumer takes is still the oldest when its Txn commits: items leave in the
// order they were enqueued. A consumer that finds the queue empty watches the prefix for the
// next put from the revision of its read — it waits, it never polls.
//
// Fault model: the server may fail. `dequeue`'s delete is a write: it is never resent (client
// connection.ts), and it is never aborted by the caller's signal or timeout once sent (which
// could lose an item: deleted, but returned to nobody). If its answer is lost all the same
// (the connection breaks), the error is thrown and that one item's fate is unknown to this
// consumer — the price of at-most-once writes; read it back by its key if it matters. A
// compaction while waiting costs a re-read, nothing else. Values are opaque bytes from the
// server, decoded as UTF-8.

import { randomUUID } from 'node:crypto';
import type { Client } from '../client.js';
import type { CallOptions } from '../connection.js';
import { Compare, Op } from '../txn.js';
import { type WaitOptions, waitEvent, withDeadline } from './wait.js';

export interface QueueItem {
  readonly key: string;
  readonly value: string;
  /** Its create revision: its place in the queue (increasing in dequeue order). */
  readonly revision: number;
}

const byCreate = { target: 'CREATE', order: 'ASCEND' } as const;

export class Queue {
  readonly prefix: string;

  constructor(
    private readonly client: Client,
    name: string,
  ) {
    if (name === '') throw new RangeError('a queue needs a name');
    this.prefix = `${name}/`;
  }

  /** Appends `value`; resolves with its key once stored. */
  async enqueue(value: string, options?: CallOptions): Promise<string> {
    const key = `${this.prefix}${randomUUID()}`;
    await this.client.put(key, value, options);
    return key;
  }

  /** Takes the oldest item, waiting for one while the queue is empty. */
  async dequeue(options: WaitOptions = {}): Promise<QueueItem> {
    return await withDeadline('dequeue', options, [], async (signal) => {
      for (;;) {
        const got = await this.client.get(this.prefix, {
          prefix: true,
          sort: byCreate,
          limit: 1,
          signal,
        });
        const head = got.kvs[0];
        if (head === undefined) {
          const w = { prefix: true, afterRevision: got.header.revision, type: 'PUT' } as const;
          await waitEvent(this.client, this.prefix, w, signal);
          continue;
        }
        signal.throwIfAborted(); // The last point at which giving up cannot lose the item.
        const taken = await this.client
          .txn()
          .if(Compare.modRevision(head.key, '=', head.modRevision))
          .then(Op.delete(head.key))
          .commit();
        if (taken.succeeded)
          return {
            key: head.keyString(),
            value: head.valueString(),
            revision: head.createRevision,
          };
      }
    });
  }

  /** How many items wait now. */
  async length(options?: CallOptions): Promise<number> {
    return (await this.client.get(this.prefix, { ...options, prefix: true, countOnly: true }))
      .count;
  }
}
