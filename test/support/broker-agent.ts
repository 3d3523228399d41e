// A consumer or producer of `cohort broker` as its own process, so tests can SIGKILL it:
//   consume <address> <group> <topic> [ack|hold]   prints {"event":"assignment"|"message",…}
//   prepare <address> <producer-group> <topic> <value>   prints {"event":"prepared","txId"}, then waits
//   check <address> <producer-group> <commit-prefix>   answers checks: commit when the value
//       starts with the prefix, else rollback; prints {"event":"checked",…}
// It runs until killed.

import { BrokerClient } from '../../src/comm/broker/client.js';

const [mode, address, group, topic, extra] = process.argv.slice(2) as string[];
const client = new BrokerClient(address as string);
const print = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const forever = () => setInterval(() => {}, 1 << 30);

if (mode === 'consume') {
  const c = client.subscribe({
    group: group as string,
    topics: [topic as string],
    sessionTimeoutMs: 1000,
  });
  c.onAssignment = (partitions, generation) =>
    print({
      event: 'assignment',
      member: c.memberId,
      generation,
      partitions: partitions.map((p) => p.partition),
    });
  for await (const m of c) {
    print({
      event: 'message',
      member: c.memberId,
      partition: m.partition,
      offset: m.offset,
      value: m.value.toString(),
      attempt: m.attempt,
    });
    if (extra !== 'hold') await m.ack().catch(() => {});
  }
} else if (mode === 'prepare') {
  const txId = await client.prepare(group as string, topic as string, { value: extra as string });
  print({ event: 'prepared', txId });
  forever();
} else if (mode === 'check') {
  client.onCheck(group as string, async (c) => {
    const outcome = c.value.toString().startsWith(topic as string) ? 'commit' : 'rollback';
    print({ event: 'checked', txId: c.txId, value: c.value.toString(), outcome });
    return outcome;
  });
  print({ event: 'checking' });
  forever();
} else {
  throw new Error(`unknown mode ${mode}`);
}
