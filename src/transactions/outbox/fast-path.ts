// The relay's fast path (issue 18's goal: the relay adds no more than one broker round trip):
// a row whose NOTIFY carried it whole (notify-payload.ts) is published straight from the
// payload — no claim query between the commit and the publish — and marked sent after its
// confirm. Only one relay per outbox publishes from payloads: the one holding a session
// advisory lock on a connection of its own (the "fast-path relay"); the others ignore row
// notifications and keep their claim path (large messages, catch-up, retries). Every relay
// tries for the lock now and then (`refresh`), so when the holder dies (its connection closes,
// the lock goes) another takes over; rows notified meanwhile are found by the claim path.
//
// At least once, as before: a row is marked sent only after its confirm, by an UPDATE that
// matches id and message id and `sent_at IS NULL`. A row the fast path has published but not
// yet marked is invisible to this relay's own claim (`inFlight` is excluded from it), but not
// to another relay's safety-net poll: if that poll lands in the ~1 ms window, the row is
// published twice and the consumers' dedup table absorbs it (counted in `unmatched` when the
// other relay marks it first). A lost connection can briefly leave two relays believing they
// hold the lock (the old one has not noticed yet): duplicates again, never a loss.
//
// Fault model: the lock's connection may drop (leadership lost: queued rows go back to the
// claim path); the broker may refuse, block or break (the rows stay unsent and the claim path
// retries them with back-off); the mark may fail (the rows stay unsent: published again).
// Payloads are untrusted and validated (notify-payload.ts), but their authenticity is not: any
// role that may connect may NOTIFY, so the fast path is off unless asked for
// (OutboxRelayOptions.fastPath), which is right only where every such role is trusted.

import pg from 'pg';
import type { AmqpPublisher } from './amqp-publisher.js';
import type { NotifiedRow } from './notify-payload.js';

/** What the fast path needs from its relay. */
export interface FastPathHost {
  readonly table: string;
  readonly batchSize: number;
  /** The relay's publisher when it can publish now (undefined: blocked or down). */
  publisher(): Promise<AmqpPublisher | undefined>;
  /** Hands rows back to the claim path (wakes the relay's loop). */
  wake(): void;
  at(point: 'claimed' | 'published' | 'marked', rowIds: readonly string[]): void;
  /** `marked` rows were marked sent; `unmatched` were published but already sent (or absent). */
  counted(marked: number, unmatched: number): void;
  report(error: unknown): void;
}

/** Rows waiting for the fast path beyond this go to the claim path (memory stays bounded). */
const MAX_QUEUED = 10_000;

export class FastPath {
  /** Row ids queued or published and not yet marked: the relay's claim skips them. */
  readonly inFlight = new Set<string>();
  private client: pg.Client | undefined;
  private leader = false;
  private lastTry = Number.NEGATIVE_INFINITY;
  private readonly queue: NotifiedRow[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly host: FastPathHost,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /** Tries for the fast path's lock, unless held or tried less than `intervalMs` ago. */
  async refresh(intervalMs: number): Promise<void> {
    const now = performance.now();
    if (this.leader || this.closed || now - this.lastTry < intervalMs) return;
    this.lastTry = now;
    try {
      const client = this.client ?? (await this.connect());
      const r = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [`${this.host.table}/relay-fast-path`],
      );
      this.leader = r.rows[0]?.ok === true && this.client === client;
    } catch (error) {
      this.drop();
      this.host.report(error);
    }
  }

  /** Takes a notified row; false when this relay is not the fast path (nothing taken). */
  offer(row: NotifiedRow): boolean {
    if (!this.leader || this.closed) return false;
    if (this.queue.length >= MAX_QUEUED) {
      this.host.wake(); // Beyond the bound the claim path finds the row.
      return true;
    }
    this.inFlight.add(row.id);
    this.queue.push(row);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
    this.drop();
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    client.on('error', () => {}); // 'end' follows.
    client.on('end', () => {
      if (this.client === client) this.drop();
    });
    await client.connect();
    // The marks need not wait for an fsync: a lost mark only republishes (see relay.ts).
    await client.query('SET synchronous_commit = off');
    this.client = client;
    return client;
  }

  /** Leadership lost: closing the connection releases the lock if the server still has it. */
  private drop(): void {
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    client?.end().catch(() => {});
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.host.batchSize);
      try {
        await this.publish(batch);
      } catch (error) {
        this.host.report(error);
        this.host.wake(); // The rows are unsent: the claim path retries them.
      } finally {
        for (const row of batch) this.inFlight.delete(row.id);
      }
    }
  }

  private async publish(batch: readonly NotifiedRow[]): Promise<void> {
    const publisher = this.leader && !this.closed ? await this.host.publisher() : undefined;
    const client = this.client;
    if (publisher === undefined || client === undefined) {
      this.host.wake();
      return;
    }
    this.host.at(
      'claimed',
      batch.map((r) => r.id),
    );
    const outcomes = await publisher.publish(batch.map((r) => r.request));
    const sent = batch.filter((_, i) => outcomes[i]?.ok === true);
    const sentIds = sent.map((r) => r.id);
    this.host.at('published', sentIds);
    // Refused rows get the claim path's per-row retry times and error reports.
    if (sent.length < batch.length) this.host.wake();
    if (sent.length === 0) return;
    const t = this.host.table;
    const r = await client.query(
      `UPDATE ${t} SET sent_at = now(), attempts = ${t}.attempts + 1
       FROM unnest($1::bigint[], $2::uuid[]) AS f(id, message_id)
       WHERE ${t}.id = f.id AND ${t}.message_id = f.message_id AND ${t}.sent_at IS NULL`,
      [sentIds, sent.map((row) => row.request.messageId)],
    );
    const marked = r.rowCount ?? 0;
    this.host.counted(marked, sent.length - marked);
    this.host.at('marked', sentIds);
  }
}
