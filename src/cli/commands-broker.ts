// `cohort broker`: runs Cohort's durable message broker (src/comm/broker) — its flags and
// help here, the action (broker-command.ts) loaded only when it runs, so the rest of the CLI
// starts without gRPC.

import type { Command } from 'commander';
import type { Exit } from './usage-error.js';

const BROKER_HELP = `
With no flags: data in ./cohort-broker-data, gRPC (proto/cohort/broker.proto) on
127.0.0.1:7070. No authentication: beyond loopback needs --allow-non-loopback (warns).
stdout gets one JSON line when it is ready:
  {"event":"ready","address":"127.0.0.1:7070","port":7070,"pid":…}
--metrics-port serves Prometheus metrics at http://127.0.0.1:<port>/metrics (loopback only;
off unless given; 0 picks a free port, reported as "metricsPort" in the ready line).
Every publish, prepare, end of transaction, ack and offset commit is answered once it is
fsynced (many share one fsync). See docs/broker.md.

Replicated mode (--id and --peers, the names 'cohort node' uses): each partition is a Raft
group over every broker of --peers; a publish is answered once a majority has it on disk.
Peers authenticate as for 'cohort node' (--cluster-secret-file, the --peer-* TLS files, or
--insecure-peers for a test). Clients use ReplicatedBrokerClient with every --listen address.
The ready line adds "id", "peerPort" and "replicated":true.

Examples:
  cohort broker
  cohort broker --listen 127.0.0.1:0 --data-dir /tmp/b --ack-timeout-ms 5000
  cohort broker --check-interval-ms 2000 --check-max-attempts 3 --on-check-exhausted keep
  cohort broker --metrics-port 9464
  cohort broker --id 1 --peers 1=127.0.0.1:7101,2=127.0.0.1:7102,3=127.0.0.1:7103 \
    --listen 127.0.0.1:7071 --data-dir ./b1 --cluster-secret-file ./cluster.secret`;

export function brokerCommandDef(root: Command, exit: Exit): void {
  root
    .command('broker')
    .description('run the durable message broker (topics, consumer groups, transactional messages)')
    .option('--data-dir <dir>', 'where the write-ahead log lives', 'cohort-broker-data')
    .option('--listen <host:port>', 'gRPC address (port 0: any free port)', '127.0.0.1:7070')
    .option('--allow-non-loopback', 'listen beyond loopback (no authentication: warns)')
    .option('--ack-timeout-ms <ms>', 'redeliver a delivery not acknowledged within this')
    .option('--session-timeout-ms <ms>', "a consumer's default session timeout")
    .option('--check-interval-ms <ms>', 'check back a half message with no outcome after this')
    .option('--check-max-attempts <n>', 'checks before --on-check-exhausted applies')
    .option('--on-check-exhausted <what>', "'rollback' (default) or 'keep'")
    .option('--max-message-bytes <n>', 'the largest message value accepted')
    .option('--max-in-flight <n>', 'unacknowledged deliveries per consumer at most')
    .option('--metrics-port <port>', 'Prometheus /metrics on 127.0.0.1 at this port (0: any)')
    .option('--log-level <level>', 'pino level: debug, info, warn, error', 'info')
    .option('--id <n>', "replicated mode: this broker's id in --peers")
    .option('--peers <list>', 'replicated mode: every broker, 1=127.0.0.1:7101,2=…')
    .option('--cluster-id <id>', 'replicated mode: peers of another cluster are refused', 'broker')
    .option('--cluster-secret-file <file>', 'replicated mode: peers authenticate with this secret')
    .option('--peer-cert-file <file>', "replicated mode, mutual TLS: this broker's certificate")
    .option('--peer-key-file <file>', "replicated mode, mutual TLS: this broker's private key")
    .option('--peer-trusted-ca-file <file>', 'replicated mode, mutual TLS: the CA of the cluster')
    .option('--insecure-peers', 'replicated mode: no peer authentication (for tests)')
    .addHelpText('after', BROKER_HELP)
    .action(async (flags) => {
      const { brokerCommand } = await import('./broker-command.js');
      exit(await brokerCommand(flags));
    });
}
