// `cohort serve`'s flags and help (etcd's names). The action loads the server only when it
// runs, so the rest of the CLI starts without gRPC.

import type { Command } from 'commander';
import { snapshotCommandDef } from './commands-snapshot.js';
import type { Exit } from './usage-error.js';

const SERVE_HELP = `
With no flags: one member named "default", data in ./cohort-data, etcd's v3 API (gRPC) and
/health, /version, /metrics (HTTP) on 127.0.0.1:2379. etcdctl and etcd's client libraries
work against it unmodified. stdout gets one JSON line when it is ready:
  {"event":"ready","name":"default","clientUrl":"http://127.0.0.1:2379",…}
Several members: the same --initial-cluster on each, and peer authentication (a cluster
secret or the --peer-* TLS files, as for 'cohort node').

Examples:
  cohort serve
  cohort serve --cluster 3          # m1, m2, m3 on 127.0.0.1:2379, :2381, :2383
  etcdctl --endpoints 127.0.0.1:2379 put greeting hello
  cohort serve --name a --data-dir ./a --listen-client-urls http://127.0.0.1:2379 \\
    --listen-peer-urls http://127.0.0.1:2380 --cluster-secret-file ./cluster.secret \\
    --initial-cluster a=http://127.0.0.1:2380,b=http://127.0.0.1:2382,c=http://127.0.0.1:2384`;

export function serveCommandDef(root: Command, exit: Exit): void {
  root
    .command('serve')
    .description("run a member of the coordination server (etcd's v3 API, Raft-replicated)")
    .option('--name <name>', "this member's name in --initial-cluster", 'default')
    .option('--data-dir <dir>', 'where the write-ahead log lives', 'cohort-data')
    .option('--listen-client-urls <url>', 'gRPC and HTTP for clients', 'http://127.0.0.1:2379')
    .option('--advertise-client-urls <urls>', 'what MemberList reports (default: the listen URL)')
    .option('--listen-peer-urls <url>', 'Raft traffic between members', 'http://127.0.0.1:2380')
    .option('--initial-advertise-peer-urls <urls>', "this member's peer URL in --initial-cluster")
    .option('--initial-cluster <list>', 'every member: name=http://host:port,… (default: this one)')
    .option(
      '--initial-cluster-token <token>',
      'names the cluster (enters member ids)',
      'etcd-cluster',
    )
    .option(
      '--initial-cluster-state <state>',
      "'new', or 'existing' to join a running cluster (after etcdctl member add)",
      'new',
    )
    .option('--max-request-bytes <n>', 'the largest write accepted', String(1.5 * 1024 * 1024))
    .option('--max-txn-ops <n>', 'the most operations in one txn', '128')
    .option(
      '--quota-backend-bytes <n>',
      'raise NOSPACE and refuse writes beyond this store size (0: 2 GiB, negative: off)',
      '0',
    )
    .option(
      '--auto-compaction-retention <r>',
      'periodic: hours or a duration like 30m; revision: revisions to keep (0: off)',
      '0',
    )
    .option('--auto-compaction-mode <mode>', "'periodic' or 'revision'", 'periodic')
    .option('--cert-file <file>', 'TLS certificate for the client port')
    .option('--key-file <file>', 'TLS key for the client port')
    .option('--trusted-ca-file <file>', 'CA of client certificates')
    .option('--client-cert-auth', 'require client certificates signed by --trusted-ca-file')
    .option('--allow-non-loopback', 'let the ports listen beyond loopback (warns)')
    .option(
      '--cluster-secret-file <file>',
      'peers authenticate with this secret (≥ 32 bytes, 0600)',
    )
    .option('--peer-cert-file <file>', "mutual TLS between members: this member's certificate")
    .option('--peer-key-file <file>', "mutual TLS between members: this member's key")
    .option('--peer-trusted-ca-file <file>', "mutual TLS between members: the members' CA")
    .option('--insecure-peers', 'no peer authentication: any local process can speak as a peer')
    .option('--log-level <level>', 'pino level: debug, info, warn, error', 'info')
    .option('--cluster <n>', 'run a local cluster of n members (m1…mn) as child processes')
    .addHelpText('after', SERVE_HELP)
    .action(async (flags) => {
      if (flags.cluster !== undefined) {
        const { parseInteger } = await import('./parse-flags.js');
        const { serveCluster } = await import('./serve-cluster.js');
        const size = parseInteger('--cluster', flags.cluster, 1, 9) as number;
        return exit(await serveCluster(flags, size));
      }
      const { serveCommand } = await import('./serve-command.js');
      exit(await serveCommand(flags));
    });
  // The offline companion of serve's Maintenance.Snapshot: etcdctl's snapshot status|restore.
  snapshotCommandDef(root, exit);
}
