// The transactional-message producer API (producer.ts) on RabbitMQ, which has no half
// messages: the outbox row (outbox/outbox.ts) plays the half message. `send` writes the row in
// the body's local transaction; the relay (outbox/relay.ts, run by the caller: any number, any
// process) publishes committed rows with publisher confirms; consumers deduplicate
// (outbox/consumer.ts). The report cannot be lost — it IS the commit — so there is no
// check-back. The message's key becomes the outbox aggregate, its topic the routing key, and
// the transaction id travels in the header `x-txid`.
//
// Fault model: as the outbox's: arguments are validated before any SQL runs; a failure
// anywhere in the local transaction rolls back the business change and the row together.

import { randomUUID } from 'node:crypto';
import { TransactionAbortedError } from '../errors.js';
import { Outbox } from '../outbox/outbox.js';
import type { PgParticipant } from '../pg-participant.js';
import type {
  LocalTransaction,
  SendResult,
  TransactionalMessageProducer,
  TxMessage,
} from './producer.js';

export const TX_ID_HEADER = 'x-txid';

export class OutboxTransactionalProducer implements TransactionalMessageProducer {
  constructor(
    readonly db: PgParticipant,
    readonly outbox: Outbox = new Outbox(),
  ) {}

  /** Creates the outbox table if missing. */
  async install(): Promise<void> {
    await this.db.local('install', (c) => this.outbox.install(c));
  }

  async send<T>(
    message: TxMessage,
    body: (tx: LocalTransaction) => Promise<T>,
  ): Promise<SendResult<T>> {
    const txId = randomUUID();
    try {
      const value = await this.db.local(txId, async (client) => {
        const out = await body({ client, txId });
        await this.outbox.enqueue(client, {
          aggregate: message.key ?? message.topic,
          topic: message.topic,
          payload: message.value,
          headers: { [TX_ID_HEADER]: txId },
        });
        return out;
      });
      return { txId, value, status: 'queued' };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new TransactionAbortedError(txId, `the local transaction failed: ${why}`, {
        cause: error,
      });
    }
  }

  /** The pool is the caller's (it may serve other work): nothing to close here. */
  async close(): Promise<void> {}
}
