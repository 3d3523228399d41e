// The fixed words some commands take as their first operand, in one place for the commands'
// help, their dispatch and shell completion (which must not load the commands to list them).

/** `cohort cluster`: `up` starts a cluster in the foreground; the others act on a running one. */
export const CLUSTER_ACTIONS = [
  'up',
  'status',
  'kill',
  'restart',
  'partition',
  'faults',
  'heal',
  'down',
  'rebalance',
] as const;

/** `cohort bench`: what each benchmark measures, by name. */
export const BENCHMARKS: Readonly<Record<string, string>> = {
  sim: 'simulated deliveries/s',
  'raft-election': "the Raft paper's Figure 16",
  'raft-sim': 'Raft client ops per wall-clock second in the simulator',
  wal: 'the write-ahead log against raw write + fdatasync',
  transport: 'node-to-node TCP against a raw socket',
  server: 'cohort serve against a real etcd 3.4: put, get, txn, watch fan-out',
  locks: "lock backends beside redlock, redis-semaphore and etcd3's lock() on the same servers",
  txn: 'bank transfers: XA 2PC, TCC and a saga against one local PostgreSQL transaction',
  compute: 'word count by MapReduce, one Node process and sort | uniq -c; stream records/s',
  comm: 'durable broker messages/s: Cohort against RabbitMQ and NATS JetStream',
  partition: 'partitioner lookups/s, memory, movement and balance beside hashring and npm peers',
  gossip: 'anti-entropy rounds to spread against log N; SWIM detection and false positives',
};

/** `cohort completion`. */
export const SHELLS = ['bash', 'zsh'] as const;
