// Transactional messages on a broker with half messages (issue 18; seed notes 001 §2.3.3, the
// order → payment → inventory flow; RocketMQ's transactional producer), against Cohort's own
// broker (`cohort broker`, src/comm/broker: prepare / commit / rollback and check-back):
//
//   1. send the half message: the broker stores it durably, invisible to consumers
//      (failure: the notes' case 1 — nothing was done, the send is given up);
//   2. run the local transaction on the producer's PostgreSQL: the business change and a row
//      of the local transaction log (local-log.ts) in one transaction;
//   3. report the outcome: commit (the broker delivers the message) or rollback (it drops it).
//
// When the report is lost — the producer died between its local commit and the report, or the
// broker did — the broker checks back with the producer group: any process that started a
// producer for that group (the crashed one once restarted, or another) answers from the log,
// which also fences a local transaction that had not begun yet (local-log.ts), so the answer
// is always what the database says. Consumers deduplicate (consumer.ts).
//
// Fault model: the producer may be SIGKILLed at any step (the hooks name them: the half stored
// but the local transaction open; the local commit done but not reported); the broker may
// restart or be unreachable (prepare fails: the send is given up; the report fails: the
// check-back settles it); PostgreSQL may fail (the local transaction rolls back and so does the
// half). Every error is a TransactionError naming the transaction (the broker's txId, or the
// message key before the broker gave one).

import type pg from 'pg';
import { TransactionAbortedError, TransactionError, validateId } from '../errors.js';
import { type PgConnection, PgParticipant, release } from '../pg-participant.js';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from '../retry.js';
import { isTxId, LocalTransactionLog, UNIQUE_VIOLATION } from './local-log.js';

export type TxOutcome = 'commit' | 'rollback';

/** A message to send with a local transaction. */
export interface TxMessage {
  readonly topic: string;
  /** The message key (consumers may key on it; the broker partitions by it). */
  readonly key?: string | null;
  readonly value: Uint8Array | string;
}

/** What the body of a transactional send sees: its local transaction. */
export interface LocalTransaction {
  readonly client: pg.PoolClient;
  /** The transaction's id (the broker's half-message id, or the outbox's). */
  readonly txId: string;
}

/**
 * Where the message stands when `send` resolves (the local transaction has committed):
 * - committed: the broker has it and delivers it;
 * - unreported: the report did not get through; the broker's check-back will commit it;
 * - dropped: the broker had already given up on it (its checks ran out): NOT delivered;
 * - queued: in the outbox; the relay publishes it (outbox-producer.ts).
 */
export type SendStatus = 'committed' | 'unreported' | 'dropped' | 'queued';

export interface SendResult<T> {
  readonly txId: string;
  readonly value: T;
  readonly status: SendStatus;
}

/** One producer API, two backends: Cohort's broker (here) and RabbitMQ via the outbox. */
export interface TransactionalMessageProducer {
  /**
   * Sends `message` if and only if `body`'s local transaction commits. Rejects with
   * TransactionAbortedError (its cause the body's error, or why) when it did not commit.
   */
  send<T>(message: TxMessage, body: (tx: LocalTransaction) => Promise<T>): Promise<SendResult<T>>;
  close(): Promise<void>;
}

/** What the producer needs of a broker with half messages: BrokerClient (src/comm/broker). */
export interface HalfMessageBroker {
  prepare(
    producerGroup: string,
    topic: string,
    message: { key?: string | null; value: Uint8Array | string },
  ): Promise<string>;
  endTransaction(txId: string, outcome: TxOutcome): Promise<TxOutcome>;
  onCheck(
    producerGroup: string,
    handler: (check: { txId: string; attempt: number }) => Promise<TxOutcome | 'unknown'>,
  ): { close(): void };
}

/** Where a test may stop the producer dead (crash tests SIGKILL it at each). */
export type ProducerStep = 'prepared' | 'before-local-commit' | 'local-committed' | 'checking';

export interface BrokerProducerOptions {
  /** The producer group: checks for its half messages go to any producer of the group. */
  readonly producerGroup: string;
  readonly broker: HalfMessageBroker;
  /** The producer's database (its business tables and the local transaction log). */
  readonly connection: PgConnection;
  readonly log?: LocalTransactionLog;
  /** Each statement's time limit. Default 10 s. */
  readonly timeoutMs?: number;
  /** How long a check waits for a running local transaction before 'unknown'. Default 1 s. */
  readonly checkLockTimeoutMs?: number;
  /** Retries of the commit/rollback report. */
  readonly reportRetry?: Partial<RetryOptions>;
  /** Answer the broker's check-backs for the group (default true). */
  readonly answerChecks?: boolean;
  readonly hooks?: { at(step: ProducerStep, txId: string): void | Promise<void> };
  /** Failures that do not fail a send: lost reports, failed checks. */
  readonly onError?: (error: unknown) => void;
}

export class BrokerTransactionalProducer implements TransactionalMessageProducer {
  readonly log: LocalTransactionLog;
  private checks: { close(): void } | undefined;
  private readonly reportRetry: RetryOptions;

  private constructor(
    private readonly o: BrokerProducerOptions,
    readonly db: PgParticipant,
  ) {
    this.log = o.log ?? new LocalTransactionLog();
    this.reportRetry = {
      ...DEFAULT_RETRY,
      attempts: 3,
      timeoutMs: o.timeoutMs ?? 10_000,
      ...o.reportRetry,
    };
  }

  /** Creates the log table if missing and starts answering checks for the group. */
  static async start(options: BrokerProducerOptions): Promise<BrokerTransactionalProducer> {
    validateId('?', 'producerGroup', options.producerGroup);
    const db = new PgParticipant(`producer-${options.producerGroup}`, options.connection, {
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
    const producer = new BrokerTransactionalProducer(options, db);
    try {
      await db.local('install', (c) => producer.log.install(c));
    } catch (error) {
      await db.close();
      throw error;
    }
    if (options.answerChecks !== false)
      producer.checks = options.broker.onCheck(options.producerGroup, (c) => producer.check(c));
    return producer;
  }

  get producerGroup(): string {
    return this.o.producerGroup;
  }

  async send<T>(
    message: TxMessage,
    body: (tx: LocalTransaction) => Promise<T>,
  ): Promise<SendResult<T>> {
    const key = message.key ?? null;
    let txId: string;
    try {
      txId = await this.o.broker.prepare(this.o.producerGroup, message.topic, {
        key,
        value: message.value,
      });
    } catch (error) {
      // The notes' case 1: the half message is not stored — nothing was done.
      const id = typeof key === 'string' && /^[\x21-\x7e]{1,100}$/.test(key) ? key : '?';
      throw new TransactionAbortedError(id, `the half message was not stored: ${why(error)}`, {
        cause: error,
      });
    }
    await this.o.hooks?.at('prepared', txId);
    let value: T;
    try {
      value = await this.db.local(txId, async (client) => {
        await this.claim(client, txId, key);
        const out = await body({ client, txId });
        await this.o.hooks?.at('before-local-commit', txId);
        return out;
      });
    } catch (error) {
      await this.report(txId, 'rollback');
      throw error instanceof TransactionAbortedError && error.txnId === txId
        ? error
        : new TransactionAbortedError(txId, `the local transaction failed: ${why(error)}`, {
            cause: error,
          });
    }
    await this.o.hooks?.at('local-committed', txId);
    const outcome = await this.report(txId, 'commit');
    const status =
      outcome === undefined ? 'unreported' : outcome === 'commit' ? 'committed' : 'dropped';
    if (status === 'dropped')
      this.reportError(
        new TransactionError(
          'conflict',
          txId,
          'committed locally, but the broker had dropped the message (checks exhausted)',
        ),
      );
    return { txId, value, status };
  }

  /** The fence row first: it fails if a check-back already rolled this transaction back. */
  private async claim(client: pg.PoolClient, txId: string, key: string | null): Promise<void> {
    try {
      await this.log.claim(client, txId, this.o.producerGroup, key);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== UNIQUE_VIOLATION) throw error;
      throw new TransactionAbortedError(
        txId,
        'a check-back rolled the half message back before the local transaction began',
        { cause: error },
      );
    }
  }

  /** Reports the outcome (retried); undefined when it did not get through (checks settle it). */
  private async report(txId: string, outcome: TxOutcome): Promise<TxOutcome | undefined> {
    try {
      return await withRetries(this.reportRetry, () => this.o.broker.endTransaction(txId, outcome));
    } catch (error) {
      this.reportError(
        new TransactionError('in-doubt', txId, `the ${outcome} report was lost: ${why(error)}`, {
          cause: error,
        }),
      );
      return undefined;
    }
  }

  /** The broker's check-back: the local transaction's outcome, from the log (local-log.ts). */
  private async check(c: { txId: string }): Promise<TxOutcome | 'unknown'> {
    if (!isTxId(c.txId)) return 'unknown'; // Not one of the broker's ids: nothing to say.
    await this.o.hooks?.at('checking', c.txId);
    const client = await this.db.connect(c.txId);
    try {
      const lockMs = this.o.checkLockTimeoutMs ?? 1_000;
      const answer = await this.log.answer(client, c.txId, this.o.producerGroup, lockMs);
      client.release();
      return answer;
    } catch (error) {
      release(client, error);
      this.reportError(this.db.failure(c.txId, 'check-back', error));
      throw error; // The broker asks again.
    }
  }

  private reportError(error: unknown): void {
    try {
      this.o.onError?.(error);
    } catch {
      // A throwing error handler must not break a send.
    }
  }

  /** Stops answering checks and closes the pool (other producers of the group still answer). */
  async close(): Promise<void> {
    this.checks?.close();
    await this.db.close();
  }
}

const why = (error: unknown) => (error instanceof Error ? error.message : String(error));
