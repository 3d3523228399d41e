// A ReplicatedConsumer (src/comm/broker/replicated-consumer.ts) as its own process, so tests
// can SIGKILL it:
//   <addresses,comma-separated> <group> <topic> <session-timeout-ms>
// prints {"event":"joined","member"}, {"event":"assignment","generation","partitions"} and,
// for each record handled (before its commit), {"event":"message","generation","partition",
// "offset","value"}. It runs until killed.

import { ReplicatedBrokerClient } from '../../src/comm/broker/replicated-client.js';
import { ReplicatedConsumer } from '../../src/comm/broker/replicated-consumer.js';

const [addresses, group, topic, sessionTimeoutMs] = process.argv.slice(2) as string[];
const print = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

const client = new ReplicatedBrokerClient((addresses as string).split(','));
const consumer = new ReplicatedConsumer(client, {
  group: group as string,
  topics: [topic as string],
  sessionTimeoutMs: Number(sessionTimeoutMs),
  maxMessages: 20,
  onAssignment: (partitions, generation) =>
    print({ event: 'assignment', generation, partitions: partitions.map((p) => p.partition) }),
  onError: (e, at) => print({ event: 'error', partition: at.partition, error: String(e) }),
  handler: (m) => {
    print({
      event: 'message',
      generation: m.generation,
      partition: m.partition,
      offset: m.offset,
      value: m.value.toString(),
    });
  },
});
print({ event: 'joined', member: consumer.memberId, generation: await consumer.start() });
setInterval(() => {}, 1 << 30);
