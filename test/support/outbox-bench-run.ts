// Runs bench/outbox.ts on a private PostgreSQL and RabbitMQ (both started here on loopback and
// stopped after) and prints its result as one JSON document:
//   node --import tsx test/support/outbox-bench-run.ts [samples]
//
// Fault model: none of its own; a failure prints on stderr and exits with status 1.

import { benchOutbox } from '../../bench/outbox.js';
import { PostgresServer } from './postgres.js';
import { RabbitMqServer } from './rabbitmq.js';

async function main(): Promise<void> {
  const samples = Number(process.argv[2] ?? 200);
  const [pg, rabbit] = await Promise.all([PostgresServer.start(), RabbitMqServer.start()]);
  try {
    const result = await benchOutbox({ connection: pg.connection, amqpUrl: rabbit.url, samples });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await Promise.all([pg.close(), rabbit.close()]);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`outbox bench: ${e instanceof Error ? (e.stack ?? e.message) : e}\n`);
    process.exit(1);
  },
);
