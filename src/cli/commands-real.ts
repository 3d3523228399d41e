// The commands that run real processes, `cohort node` and `cohort cluster`: their flags and
// help. Like commands.ts, the actions load their implementation (pino, the runtime, the
// launcher) only when they run.

import type { Command } from 'commander';
import type { Exit } from './usage-error.js';

/** Commander's accumulator for repeatable options. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const NODE_HELP = `
Peers must authenticate: give --cluster-secret-file (the same secret on every node, e.g.
'openssl rand -hex 32 > cluster.secret; chmod 600 cluster.secret') or all three --peer-*
files (TLS 1.3; each certificate names its node as node-<id>), or --insecure-peers.
Logs are pino JSON lines on stderr; stdout gets one line when the node is ready:
  {"event":"ready","id":1,"port":7001,"apiPort":40123,"apiTokenFile":"data/node-1/api.token",…}
Client API, on 127.0.0.1 only: POST /command (Content-Type: application/json), GET
/outputs?after=N, /status, /state. Every request needs Authorization: Bearer TOKEN, the token
in apiTokenFile (mode 0600, a new one at every start unless --api-token-file is given).
A --peers address for this node beyond loopback needs --allow-non-loopback.
Algorithm options may also be given as their own flags (--requests 20).

Examples:
  cohort node --algorithm mutex/ricart-agrawala --id 1 \\
    --peers 1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003 --data-dir ./data \\
    --cluster-secret-file ./cluster.secret
  cohort node --algorithm consensus/raft --id 2 --peers 1=127.0.0.1:7001,2=127.0.0.1:7002,\\
3=127.0.0.1:7003 --data-dir ./data --cluster-id demo --option electionTimeoutMsMin=300 \\
    --peer-cert-file n2.crt --peer-key-file n2.key --peer-trusted-ca-file ca.crt
  curl -s -H "Authorization: Bearer $(cat data/node-1/api.token)" \\
    127.0.0.1:40123/outputs?after=0`;

export function nodeCommand(root: Command, exit: Exit): void {
  root
    .command('node')
    .description('run one real node of a cluster in the foreground (TCP, write-ahead log)')
    .requiredOption('--algorithm <name>', 'an algorithm name such as mutex/ricart-agrawala')
    .requiredOption('--id <n>', "this node's id (1..n)")
    .requiredOption('--peers <list>', 'every node: 1=127.0.0.1:7001,2=127.0.0.1:7002,…')
    .option('--data-dir <dir>', 'where the write-ahead log lives (node-N/ inside it)')
    .option('--cluster-id <id>', 'connections from another cluster are refused', 'cohort')
    .option('--option <key=value>', 'an algorithm option (repeatable)', collect, [])
    .option('--seed <s>', "the cluster's seed, as in 'cohort sim' (same on every node)")
    .option('--api-port <port>', 'client API port, on 127.0.0.1 only (0: any free port)', '0')
    .option(
      '--api-token-file <file>',
      "read the client API's bearer token from here (default: a new one in node-N/api.token)",
    )
    .option(
      '--allow-non-loopback',
      'let this node listen for peers beyond loopback (its --peers address; warns)',
    )
    .option('--outputs-file <file>', 'append each output as a JSON line (shareable by nodes)')
    .option('--storage <kind>', 'wal, or memory (nothing survives a restart)', 'wal')
    .option(
      '--repair',
      'cut a corrupt write-ahead log at the first bad record (drops what follows)',
    )
    .option('--log-level <level>', 'pino level: debug, info, warn, error', 'info')
    .option(
      '--cluster-secret-file <file>',
      'peers authenticate with this secret (≥ 32 bytes, 0600)',
    )
    .option('--peer-cert-file <file>', "mutual TLS: this node's certificate (CN or DNS node-N)")
    .option('--peer-key-file <file>', "mutual TLS: this node's private key")
    .option('--peer-trusted-ca-file <file>', "mutual TLS: the CA of the cluster's certificates")
    .option('--insecure-peers', 'no peer authentication: any local process can speak as a peer')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText('after', NODE_HELP)
    .action(async (flags, cmd: Command) => {
      const { nodeCommand: run } = await import('./node-command.js');
      exit(await run(flags, cmd.args));
    });
}

const CLUSTER_HELP = `
'up' stays in the foreground: it prints every node's address and pid, role changes and
exits, and stops the whole cluster on Ctrl-C. The other actions act on the cluster running
in --data-dir. kill sends SIGKILL (a crash: nothing unsynced survives). Faults go through a
proxy on every directed link and use the simulator's fault-plan syntax (times from now):
  partition 1,2|3   block 1->2,3 @0..5000   drop 0.1   delay 20..80   link 1->2 drop 0.5
  crash 2 @1000; restart 2 @4000   pause 3 @0..2000   heal
(dup, reorder, corrupt and drift are simulator-only: TCP links neither duplicate nor reorder.)
The control API (127.0.0.1 only) takes the token in <data-dir>/control.token (mode 0600).

Examples:
  cohort cluster up --algorithm consensus/raft --nodes 3 --data-dir ./data
  cohort cluster status
  cohort cluster kill 2 && cohort cluster restart 2
  cohort cluster partition '1,2|3'
  cohort cluster faults 'drop 0.2; delay 10..50 @0..10000'
  cohort cluster heal
  cohort cluster down
  cohort cluster rebalance --nodes 10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379 --dry-run
    # Redis Cluster slots balanced over these masters; others drained (docs/partitioning.md)`;

export function clusterCommand(root: Command, exit: Exit): void {
  root
    .command('cluster')
    .description('local clusters of real processes: up, status, kill, faults…; rebalance (Redis)')
    .argument(
      '<action>',
      'up | status | kill N | restart N | partition G|G | faults PLAN | heal | down | rebalance',
    )
    .argument('[args...]', "the action's arguments")
    .option('--data-dir <dir>', 'where logs, write-ahead logs and cluster.json live', './data')
    .option('--algorithm <name>', 'up: the algorithm every node runs')
    .option('--nodes <n>', 'up: cluster size; rebalance: the Redis masters wanted, host:port,…')
    .option('--dry-run', 'rebalance: print the plan, move nothing')
    .option('--cluster-id <id>', 'up: the id in every handshake (default: from the data dir)')
    .option('--option <key=value>', 'up: an algorithm option (repeatable)', collect, [])
    .option('--storage <kind>', 'up: wal (default) or memory')
    .option('--no-chaos', 'up: connect nodes directly, without the fault-injecting proxies')
    .option(
      '--peer-tls-dir <dir>',
      'up: mutual TLS between nodes, not a cluster secret: ca.pem, node-N.pem, node-N-key.pem',
    )
    .option('--json', 'status and actions: print JSON')
    .allowUnknownOption(true)
    .addHelpText('after', CLUSTER_HELP)
    .action(async (action: string, _args: string[], flags, cmd: Command) => {
      const rest = cmd.args.slice(1);
      if (action === 'up') {
        const { clusterUp } = await import('./cluster/cluster-up.js');
        return exit(await clusterUp(flags, rest));
      }
      if (action === 'rebalance') {
        const { clusterRebalance } = await import('./cluster-rebalance-command.js');
        return exit(await clusterRebalance(flags));
      }
      const { clusterControl } = await import('./cluster-command.js');
      exit(await clusterControl(action, rest, flags));
    });
}
