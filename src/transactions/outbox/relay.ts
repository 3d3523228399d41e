// The outbox relay (issue 18): moves committed outbox rows to RabbitMQ, at least once. One
// batch is one local transaction:
//   BEGIN; SELECT … FOR UPDATE SKIP LOCKED (claim; both in one round trip); publish with
//   confirms; UPDATE sent_at for the confirmed ones (retry times for the refused ones); COMMIT
//   (asynchronous: synchronous_commit off — a mark lost in a crash only means a republish).
// Rows are marked sent only AFTER their confirm, so a relay killed anywhere loses nothing: its
// connection closes, PostgreSQL rolls the claim back, the locks go, and another relay (or this
// one restarted) claims the rows again — a row confirmed but not yet marked is published twice
// (consumers deduplicate: consumer.ts). SKIP LOCKED lets several relays share the work without
// waiting on each other or claiming the same row: a row locked by one is skipped by the
// others, and one marked sent meanwhile no longer matches. Order is by row id within a batch;
// across relays (and after a retry) messages can arrive out of order.
//
// Wake-ups: the writer NOTIFYs in its transaction, so a relay hears of committed rows at once
// (LISTEN through src/locks/postgres-listen.ts, which reconnects and wakes everyone after a
// gap); a poll every `pollIntervalMs` is the safety net for a lost notification or a row
// whose retry time came. A NOTIFY that carries its row (notify-payload.ts: messages up to
// about 5 KB) is published by the one relay holding the fast path (fast-path.ts) straight from
// the payload, without the claim; the others ignore it.
//
// Fault model: the broker may refuse a message (nack, unroutable: retried with back-off per
// row, never dropped), block publishers (nothing is claimed until it unblocks), close, hang or
// be down (the publisher is replaced, with back-off); PostgreSQL may fail a statement or drop
// the connection (the batch rolls back); a row may be garbage (written around the writer: it
// is parked with the reason, dead_at, and never retried). Every failure is reported through
// onError as a typed error and the relay keeps running until close().

import type pg from 'pg';
import { PostgresNotifications } from '../../locks/postgres-listen.js';
import { type PgConnection, PgParticipant, release } from '../pg-participant.js';
import { AmqpPublisher, type PublishOutcome, type PublishRequest } from './amqp-publisher.js';
import { BadOutboxRowError, BrokerBlockedError, OutboxInvalidArgument } from './errors.js';
import { FastPath } from './fast-path.js';
import { decodeRow, keyOfPayload, MAX_NOTIFY_BYTES } from './notify-payload.js';
import { Outbox } from './outbox.js';
import {
  aggregateProblem,
  type Headers,
  headersProblem,
  topicProblem,
  validatePositive,
} from './validate.js';

/** Crash points for tests: after the claim, after the confirms, after the commit. */
export type RelayPoint = 'claimed' | 'published' | 'marked';

export interface OutboxRelayOptions {
  /** Names this relay in errors and logs: 1-100 of A-Z a-z 0-9 _ . - */
  readonly relayId: string;
  readonly connection: PgConnection;
  readonly amqpUrl: string;
  /** The durable topic exchange messages are published to (routing key: the row's topic). */
  readonly exchange: string;
  readonly outbox?: Outbox;
  /** Rows per batch (claimed, published and marked together). Default 100. */
  readonly batchSize?: number;
  /** The safety-net poll. Default 1 s. */
  readonly pollIntervalMs?: number;
  /** Default 10 s. */
  readonly confirmTimeoutMs?: number;
  /** Back-off after a failure, and before a refused row's next attempt. Defaults 100 ms, 10 s. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /**
   * Publish rows straight from their NOTIFY payload when this relay holds the fast path
   * (fast-path.ts). Default false: any role that may connect to the database may NOTIFY, so
   * turn it on only where every such role is trusted; every relay of one outbox should agree.
   */
  readonly fastPath?: boolean;
  readonly hooks?: { at(point: RelayPoint, rowIds: readonly string[]): void };
  readonly onError?: (error: unknown) => void;
}

export interface RelayStats {
  /** Rows confirmed by the broker and marked sent by this relay. */
  published: number;
  /** Publishes the broker refused, returned or did not confirm (retried later). */
  failed: number;
  /** Garbage rows this relay parked. */
  parked: number;
  batches: number;
  errors: number;
  /** Of `published`, rows published from their NOTIFY payload (the fast path). */
  fastPath: number;
  /** Published from a payload, but the row was already marked sent (a duplicate) or absent. */
  fastPathUnmatched: number;
}

interface OutboxRow {
  id: string;
  message_id: unknown;
  aggregate: unknown;
  topic: unknown;
  payload: unknown;
  headers: unknown;
  attempts: number;
}

const ID_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

export class OutboxRelay {
  readonly stats: RelayStats = {
    published: 0,
    failed: 0,
    parked: 0,
    batches: 0,
    errors: 0,
    fastPath: 0,
    fastPathUnmatched: 0,
  };
  private publisher: AmqpPublisher | undefined;
  private connecting: Promise<AmqpPublisher> | undefined;
  private fast: FastPath | undefined;
  private reportedBlock = false;
  private closed = false;
  private woken = false;
  private sleeper: { done: () => void; wakeable: boolean } | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly outbox: Outbox;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly txnId: string;

  private constructor(
    private readonly options: OutboxRelayOptions,
    private readonly db: PgParticipant,
    private readonly notifications: PostgresNotifications,
  ) {
    this.outbox = options.outbox ?? new Outbox();
    this.batchSize = validatePositive('batchSize', options.batchSize ?? 100);
    this.pollIntervalMs = validatePositive('pollIntervalMs', options.pollIntervalMs ?? 1_000);
    this.retryBaseMs = validatePositive('retryBaseMs', options.retryBaseMs ?? 100);
    this.retryMaxMs = validatePositive('retryMaxMs', options.retryMaxMs ?? 10_000);
    validatePositive('confirmTimeoutMs', options.confirmTimeoutMs ?? 10_000);
    this.txnId = `relay-${options.relayId}`;
  }

  /** Starts relaying in the background; close() stops it. */
  static async start(options: OutboxRelayOptions): Promise<OutboxRelay> {
    if (typeof options.relayId !== 'string' || !ID_PATTERN.test(options.relayId))
      throw new OutboxInvalidArgument('relayId must be 1-100 characters of A-Z a-z 0-9 _ . -');
    const outbox = options.outbox ?? new Outbox();
    const config: pg.ClientConfig =
      typeof options.connection === 'string'
        ? { connectionString: options.connection }
        : options.connection;
    const db = new PgParticipant(`outbox-relay-${options.relayId}`, options.connection, {
      poolSize: 2,
    });
    const relay = new OutboxRelay(
      { ...options, outbox },
      db,
      new PostgresNotifications(config, outbox.channel, keyOfPayload),
    );
    if (options.fastPath === true) relay.fast = relay.fastPath(config);
    relay.unsubscribe = relay.notifications.subscribe(outbox.table, (p) => relay.notified(p));
    await relay.fast?.refresh(0);
    // Without LISTEN the poll still finds every row; the helper keeps reconnecting.
    await relay.notifications.start().catch((error: unknown) => relay.report(error));
    relay.running = relay.loop();
    return relay;
  }

  private fastPath(config: pg.ClientConfig): FastPath {
    return new FastPath(config, {
      table: this.outbox.table,
      batchSize: this.batchSize,
      publisher: async () => {
        const publisher = await this.connectedPublisher();
        return publisher.blockedReason === undefined ? publisher : undefined;
      },
      wake: () => this.wake(),
      at: (point, ids) => this.options.hooks?.at(point, ids),
      counted: (marked, unmatched) => {
        this.stats.published += marked;
        this.stats.fastPath += marked;
        this.stats.fastPathUnmatched += unmatched;
      },
      report: (error) => this.report(error),
    });
  }

  /** A NOTIFY: its row to the fast path, or (a bare wake-up, no fast path) a claim. */
  private notified(payload: string): void {
    const row = decodeRow(payload, this.outbox.maxPayloadBytes);
    if (row === undefined || this.fast === undefined) return this.wake();
    // Not the fast-path relay: the one that is publishes it; the poll is the safety net.
    this.fast.offer(row);
  }

  private wake(): void {
    this.woken = true;
    if (this.sleeper?.wakeable === true || this.closed) this.sleeper?.done();
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      let claimed = 0;
      try {
        await this.fast?.refresh(this.pollIntervalMs);
        const publisher = await this.connectedPublisher();
        if (publisher.blockedReason !== undefined) {
          this.report(new BrokerBlockedError(publisher.blockedReason));
          await this.sleep(this.pollIntervalMs); // 'unblocked' wakes us.
          continue;
        }
        this.reportedBlock = false;
        claimed = await this.relayOnce(publisher);
        failures = 0;
      } catch (error) {
        this.report(error);
        failures++;
        // Not cut short by notifications: a broker outage under load must not become a spin.
        await this.sleep(this.backoffMs(failures), false);
        continue;
      }
      if (claimed < this.batchSize) await this.sleep(this.pollIntervalMs);
    }
  }

  private connectedPublisher(): Promise<AmqpPublisher> {
    if (this.publisher !== undefined && this.publisher.broken === undefined)
      return Promise.resolve(this.publisher);
    // One connect at a time: the loop and the fast path may both ask.
    this.connecting ??= this.reconnectPublisher().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async reconnectPublisher(): Promise<AmqpPublisher> {
    const old = this.publisher;
    this.publisher = undefined;
    await old?.close();
    this.publisher = await AmqpPublisher.connect({
      url: this.options.amqpUrl,
      exchange: this.options.exchange,
      confirmTimeoutMs: this.options.confirmTimeoutMs ?? 10_000,
      onChange: () => this.wake(),
    });
    return this.publisher;
  }

  /** One batch: claim, publish, mark; returns how many rows were claimed. */
  private async relayOnce(publisher: AmqpPublisher): Promise<number> {
    let sentIds: string[] = [];
    const claimed = await this.inTransaction(async (client, claim) => {
      const rows = claim.map((row) => ({ ...row, id: String(row.id) }));
      this.options.hooks?.at(
        'claimed',
        rows.map((row) => row.id),
      );
      const good: { row: OutboxRow; request: PublishRequest }[] = [];
      for (const row of rows) {
        const request = this.toRequest(row);
        if (request instanceof BadOutboxRowError) await this.park(client, row, request);
        else good.push({ row, request });
      }
      const outcomes = good.length === 0 ? [] : await publisher.publish(good.map((g) => g.request));
      sentIds = good.filter((_, i) => outcomes[i]?.ok === true).map((g) => g.row.id);
      this.options.hooks?.at('published', sentIds);
      await this.mark(client, good, outcomes);
      return rows.length;
    });
    this.stats.batches++;
    this.stats.published += sentIds.length;
    this.options.hooks?.at('marked', sentIds);
    return claimed;
  }

  /**
   * One local transaction whose first round trip is BEGIN and the claim together (one simple
   * query: the relay's whole cost before it publishes is this round trip, after NOTIFY woke
   * it); committed if `body` returns, rolled back (or the connection dropped) if it throws.
   */
  private async inTransaction<T>(
    body: (client: pg.PoolClient, claim: OutboxRow[]) => Promise<T>,
  ): Promise<T> {
    const client = await this.db.connect(this.txnId);
    try {
      // batchSize is a validated positive integer: safe to inline (no parameters in a
      // multi-statement query). synchronous_commit off: the marks need not wait for an fsync
      // — a crash that loses them only republishes those rows (at least once; consumers
      // deduplicate) — so the relay is free for the next NOTIFY at once instead of after its
      // previous batch's fsync.
      // Rows the fast path holds are skipped (their ids are digits: decodeRow checked).
      const inFlight = [...(this.fast?.inFlight ?? [])];
      let skip = inFlight.length === 0 ? '' : `AND id <> ALL('{${inFlight.join(',')}}'::bigint[])`;
      // With fast paths on, rows their NOTIFY carried are left to the fast-path relay for a
      // grace (two polls: time for a new holder to take over), so that no claim races it.
      // The estimate errs towards "large" (jsonb's text is wider than JSON.stringify's): a
      // borderline row may be claimed at once and published twice — never lost.
      if (this.fast !== undefined)
        skip += ` AND (octet_length(payload) * 4 / 3 + octet_length(headers::text)
          + octet_length(topic) + octet_length(aggregate) + 200 > ${MAX_NOTIFY_BYTES}
          OR created_at < now() - interval '${2 * this.pollIntervalMs} milliseconds')`;
      const results = (await this.db.run(
        this.txnId,
        client,
        `BEGIN; SET LOCAL synchronous_commit = off;
         SELECT id, message_id, aggregate, topic, payload, headers, attempts
         FROM ${this.outbox.table}
         WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now() ${skip}
         ORDER BY id LIMIT ${this.batchSize} FOR UPDATE SKIP LOCKED`,
      )) as unknown as pg.QueryResult<OutboxRow>[];
      const value = await body(client, results[2]?.rows ?? []);
      await this.db.run(this.txnId, client, 'COMMIT');
      client.release();
      return value;
    } catch (error) {
      try {
        await this.db.run(this.txnId, client, 'ROLLBACK');
        client.release();
      } catch (rollbackError) {
        release(client, rollbackError);
      }
      throw error;
    }
  }

  /** The publish request for `row`, or why the row can never be published. */
  private toRequest(row: OutboxRow): PublishRequest | BadOutboxRowError {
    const problem =
      (typeof row.message_id === 'string' ? undefined : 'message_id is missing') ??
      topicProblem(row.topic) ??
      aggregateProblem(row.aggregate) ??
      headersProblem(row.headers) ??
      (Buffer.isBuffer(row.payload) ? undefined : 'payload is not bytes') ??
      ((row.payload as Buffer).length > this.outbox.maxPayloadBytes
        ? `payload of ${(row.payload as Buffer).length} bytes exceeds ${this.outbox.maxPayloadBytes}`
        : undefined);
    if (problem !== undefined) return new BadOutboxRowError(row.id, problem);
    return {
      messageId: row.message_id as string,
      topic: row.topic as string,
      aggregate: row.aggregate as string,
      payload: row.payload as Buffer,
      headers: row.headers as Headers,
    };
  }

  private async park(client: pg.PoolClient, row: OutboxRow, error: BadOutboxRowError) {
    await client.query(
      `UPDATE ${this.outbox.table} SET dead_at = now(), last_error = $2 WHERE id = $1`,
      [row.id, error.message],
    );
    this.stats.parked++;
    this.report(error);
  }

  /** Marks confirmed rows sent; gives refused ones their error and next attempt time. */
  private async mark(
    client: pg.PoolClient,
    good: readonly { row: OutboxRow }[],
    outcomes: readonly PublishOutcome[],
  ): Promise<void> {
    const t = this.outbox.table;
    const sent: string[] = [];
    const failed: { id: string; error: string; delaySeconds: number }[] = [];
    good.forEach(({ row }, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok === true) sent.push(row.id);
      else {
        const error = outcome?.ok === false ? outcome.error : new Error('no outcome');
        const delaySeconds = this.backoffMs(row.attempts + 1) / 1000;
        failed.push({ id: row.id, error: error.message.slice(0, 500), delaySeconds });
      }
    });
    if (sent.length > 0)
      await client.query(
        `UPDATE ${t} SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`,
        [sent],
      );
    if (failed.length === 0) return;
    await client.query(
      `UPDATE ${t} SET attempts = ${t}.attempts + 1, last_error = f.error,
         next_attempt_at = now() + make_interval(secs => f.delay)
       FROM unnest($1::bigint[], $2::text[], $3::float8[]) AS f(id, error, delay)
       WHERE ${t}.id = f.id`,
      [failed.map((f) => f.id), failed.map((f) => f.error), failed.map((f) => f.delaySeconds)],
    );
    this.stats.failed += failed.length;
    // One report per kind of failure per batch, not one per row.
    const kinds = new Map<string, Error>();
    for (const o of outcomes)
      if (!o.ok && !kinds.has(o.error.code)) kinds.set(o.error.code, o.error);
    for (const error of kinds.values()) this.report(error);
  }

  private backoffMs(failures: number): number {
    return Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(failures - 1, 20));
  }

  /** Waits `ms`; wake() ends a `wakeable` wait early, close() ends any. */
  private sleep(ms: number, wakeable = true): Promise<void> {
    if (this.closed || (wakeable && this.woken)) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.sleeper = undefined;
        self.woken = false;
        resolve();
      }
      this.sleeper = { done, wakeable };
    });
  }

  private report(error: unknown): void {
    if (error instanceof BrokerBlockedError) {
      if (this.reportedBlock) return; // Once per alarm, not once per wake-up.
      this.reportedBlock = true;
    }
    this.stats.errors++;
    try {
      this.options.onError?.(error);
    } catch {
      // A throwing error handler must not stop the relay.
    }
  }

  /** Stops the relay after its current batch; closes its connections. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.running;
    this.unsubscribe?.();
    await this.fast?.close();
    await this.notifications.close();
    await this.publisher?.close();
    await this.db.close();
  }
}
