// What a transactional message costs on Cohort's broker (issue 18; `cohort bench txn` runs it
// after the transfers): one message at a time, on an in-process `cohort broker` (its WAL in a
// temporary directory on the same disk; fsync before every answer) and the caller's
// PostgreSQL server. Three paths, their samples interleaved so that all see the same machine:
// - local: the producer's local transaction alone (BEGIN, INSERT, COMMIT) — the limit;
// - send: BrokerTransactionalProducer.send — prepare the half (a broker fsync), the same local
//   transaction with its log row, report commit (another broker fsync) — and send → the
//   message in a consumer's hands;
// - raw: one publish → acknowledged (a durable broker round trip), and → consumed.
//
// Fault model: none; a failure rejects. The broker and its directory are removed afterwards.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { BrokerClient } from '../src/comm/broker/client.js';
import { startBrokerServer } from '../src/comm/broker/server.js';
import { PgParticipant } from '../src/transactions/pg-participant.js';
import { BrokerTransactionalProducer } from '../src/transactions/transactional-message/producer.js';
import { type LatencySummary, summarize } from './outbox.js';

export interface TxMessageBenchResult {
  readonly samples: number;
  /** The local transaction alone. */
  readonly local: LatencySummary;
  /** send() resolved: prepare + local transaction + report. */
  readonly send: LatencySummary;
  /** send() called → consumed. */
  readonly sendToConsumed: LatencySummary;
  /** A plain publish → acknowledged (durable). */
  readonly publish: LatencySummary;
  /** A plain publish → consumed. */
  readonly publishToConsumed: LatencySummary;
}

const TABLE = 'txmsg_bench';

export async function benchTxMessages(o: {
  readonly connection: pg.ClientConfig;
  readonly samples: number;
}): Promise<TxMessageBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-bench-txmsg-'));
  const server = await startBrokerServer(dir, { host: '127.0.0.1', port: 0 });
  const client = new BrokerClient(`127.0.0.1:${server.port}`);
  const db = new PgParticipant('bench', o.connection, { poolSize: 2 });
  let producer: BrokerTransactionalProducer | undefined;
  let consumer: ReturnType<BrokerClient['subscribe']> | undefined;
  try {
    await client.createTopic('bench-raw');
    await client.createTopic('bench-tx');
    // After the topics exist: a join naming an unknown topic is refused for good.
    consumer = client.subscribe({ group: 'bench', topics: ['bench-raw', 'bench-tx'] });
    await db.once('install', `CREATE TABLE IF NOT EXISTS ${TABLE} (id text PRIMARY KEY)`);
    producer = await BrokerTransactionalProducer.start({
      producerGroup: 'bench',
      broker: client,
      connection: o.connection,
    });
    await consumer.ready();
    const deliveries = consumer;
    let waiter: ((at: number) => void) | undefined;
    void (async () => {
      for await (const m of deliveries) {
        waiter?.(performance.now());
        waiter = undefined;
        void m.ack().catch(() => {});
      }
    })();
    const next = () => new Promise<number>((resolve) => (waiter = resolve));
    const t = { local: [], send: [], sendTo: [], publish: [], publishTo: [] } as Record<
      'local' | 'send' | 'sendTo' | 'publish' | 'publishTo',
      number[]
    >;
    for (let i = 0; i < o.samples; i++) {
      let start = performance.now();
      await db.local('bench', (c) => c.query(`INSERT INTO ${TABLE} VALUES ($1)`, [`l${i}`]));
      t.local.push(performance.now() - start);

      let arrived = next();
      start = performance.now();
      await producer.send({ topic: 'bench-tx', key: `m${i}`, value: 'x'.repeat(100) }, (tx) =>
        tx.client.query(`INSERT INTO ${TABLE} VALUES ($1)`, [`m${i}`]),
      );
      t.send.push(performance.now() - start);
      t.sendTo.push((await arrived) - start);

      arrived = next();
      start = performance.now();
      await client.publish('bench-raw', [{ key: `r${i}`, value: 'x'.repeat(100) }]);
      t.publish.push(performance.now() - start);
      t.publishTo.push((await arrived) - start);
    }
    return {
      samples: o.samples,
      local: summarize(t.local),
      send: summarize(t.send),
      sendToConsumed: summarize(t.sendTo),
      publish: summarize(t.publish),
      publishToConsumed: summarize(t.publishTo),
    };
  } finally {
    consumer?.close();
    await producer?.close();
    await db.close();
    client.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
