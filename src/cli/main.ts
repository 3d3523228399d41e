#!/usr/bin/env node
// The `cohort` command line. Human-readable output by default, `--json` for machines;
// exit 0 success, 1 a check failed, 2 bad usage (one line on stderr, never a stack trace).

import { Command, CommanderError } from 'commander';
import { benchCommand } from './bench-command.js';
import { verifyHeaderCommand } from './chain-command.js';
import { checkLinearizabilityCommand } from './check-command.js';
import { clusterUp } from './cluster/cluster-up.js';
import { clusterControl } from './cluster-command.js';
import { fuzzCommand } from './fuzz-command.js';
import { labCommand } from './lab-command.js';
import { nodeCommand } from './node-command.js';
import { listCommand, simCommand } from './sim-command.js';
import { tourCommand } from './tour-command.js';
import { EXIT_USAGE, UsageError } from './usage-error.js';

/** The command tree; each action reports its exit code through `exit`. */
function program(exit: (code: number) => void): Command {
  const root = new Command('cohort')
    .description('Distributed coordination, simulated under faults and run for real.')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .showSuggestionAfterError(true);

  root
    .command('sim')
    .description('simulate an algorithm under a fault plan and check its invariants')
    .argument('<algorithm>', "an algorithm name such as clock/lamport, or 'list'")
    .option('--nodes <n>', 'cluster size (each algorithm has its own default and range)')
    .option('--seed <s>', 'seed for every random choice (same seed ⇒ same trace)', '1')
    .option('--duration <ms>', 'virtual time to run, in ms')
    .option(
      '--faults <plan>',
      "fault plan, e.g. 'crash 3 @2000; restart 3 @5000; drop 0.05', or 'random'",
    )
    .option('--scenario <name>', "run one of the algorithm's named scenarios")
    .option('--trace <file>', 'write the full trace as JSON lines')
    .option('--json', 'print one JSON document')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText(
      'after',
      `
Algorithm options (see 'cohort sim list') follow the common ones.

Fault plan syntax (';' or newline between faults; times in ms, or with an 's' suffix):
  crash 3 @2000   restart 3 @5s   pause 2 @100..400   resume 2 @300
  partition 1,2|3,4,5 @3000..8000   isolate 4 @0..900   block 1,2->3 @0..500   heal @9000
  drop 0.05   dup 1%   reorder 0.1   corrupt 1%   delay 5..50   (each may end with @A..B)
  link 1->2 drop 0.5   link 1-2 delay 100..200   drift 3 +500ppm

Examples:
  cohort sim list
  cohort sim clock/vector --nodes 4 --seed 7 --faults 'partition 1,2|3,4 @0..500'
  cohort sim clock/lamport --events 100 --send-percent 80 --json`,
    )
    .action((algorithm: string, flags, cmd: Command) => {
      const rest = cmd.args.slice(1);
      if (algorithm === 'list') {
        if (rest.some((a) => a !== '--json'))
          throw new UsageError(`unknown argument '${rest[0]}' for 'sim list'`);
        return exit(listCommand({ json: flags.json === true || rest.includes('--json') }));
      }
      exit(simCommand(algorithm, flags, rest));
    });

  root
    .command('fuzz')
    .description('run many seeds with random fault plans; shrink and print any failure')
    .argument('<algorithm>', 'an algorithm name such as clock/lamport')
    .option('--seeds <n>', 'number of random runs', '100')
    .option('--nodes <n>', 'cluster size')
    .option('--seed <s>', 'seed of the campaign (which seeds and plans are drawn)', '1')
    .option('--no-shrink', 'report the first failure without shrinking it')
    .option('--json', 'print one JSON document')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText(
      'after',
      '\nExamples:\n  cohort fuzz clock/lamport --seeds 1000\n  cohort fuzz clock/vector --seeds 200 --nodes 7 --json',
    )
    .action((algorithm: string, flags, cmd: Command) =>
      exit(fuzzCommand(algorithm, flags, cmd.args.slice(1))),
    );

  root
    .command('bench')
    .description('measure Cohort against its baseline')
    .argument(
      '<what>',
      "sim (simulated deliveries/s), raft-election (the Raft paper's Figure 16), " +
        'raft-sim (Raft client ops per wall-clock second in the simulator), ' +
        'wal (the write-ahead log against raw write + fdatasync), ' +
        'transport (node-to-node TCP against a raw socket)',
    )
    .option('--json', 'print one JSON document')
    .option('--repeats <n>', 'runs per configuration (the best is reported)', '3')
    .option('--trials <n>', 'raft-election: trials per timeout range', '1000')
    .option('--svg <file>', 'raft-election: where to write the CDF plot', 'raft-election-cdf.svg')
    .option('--writes <n>', 'wal: durable writes per configuration', '2000')
    .option('--messages <n>', 'transport: messages per configuration', '50000')
    .addHelpText(
      'after',
      '\nExamples:\n  cohort bench sim\n  cohort bench sim --json\n' +
        '  cohort bench raft-election --trials 200 --svg docs/raft-election-cdf.svg\n' +
        '  cohort bench raft-sim --repeats 1\n  cohort bench wal --writes 5000\n' +
        '  cohort bench transport --messages 100000',
    )
    .action(async (what: string, flags) => exit(await benchCommand(what, flags)));

  root
    .command('chain')
    .description('blockchain tools')
    .command('verify-header')
    .description("check an 80-byte Bitcoin block header's proof of work against its bits")
    .argument('<hex>', 'the header as 160 hex digits')
    .option('--pow-limit <bits>', "the network's easiest target, compact hex", '1d00ffff')
    .option('--json', 'print one JSON document')
    .action((hex: string, flags) => exit(verifyHeaderCommand(hex, flags)));

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
    .addHelpText(
      'after',
      `
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
  cohort node --algorithm mutex/ricart-agrawala --id 1 \
    --peers 1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003 --data-dir ./data \
    --cluster-secret-file ./cluster.secret
  cohort node --algorithm consensus/raft --id 2 --peers 1=127.0.0.1:7001,2=127.0.0.1:7002,\
3=127.0.0.1:7003 --data-dir ./data --cluster-id demo --option electionTimeoutMsMin=300 \
    --peer-cert-file n2.crt --peer-key-file n2.key --peer-trusted-ca-file ca.crt
  curl -s -H "Authorization: Bearer $(cat data/node-1/api.token)" \
    127.0.0.1:40123/outputs?after=0`,
    )
    .action(async (flags, cmd: Command) => exit(await nodeCommand(flags, cmd.args)));

  root
    .command('cluster')
    .description('a local cluster of real node processes: up, status, kill, restart, faults')
    .argument(
      '<action>',
      'up | status | kill N | restart N | partition G|G | faults PLAN | heal | down',
    )
    .argument('[args...]', "the action's arguments")
    .option('--data-dir <dir>', 'where logs, write-ahead logs and cluster.json live', './data')
    .option('--algorithm <name>', 'up: the algorithm every node runs')
    .option('--nodes <n>', 'up: cluster size')
    .option('--cluster-id <id>', 'up: the id in every handshake (default: from the data dir)')
    .option('--option <key=value>', 'up: an algorithm option (repeatable)', collect, [])
    .option('--storage <kind>', 'up: wal (default) or memory')
    .option('--no-chaos', 'up: connect nodes directly, without the fault-injecting proxies')
    .option('--json', 'status and actions: print JSON')
    .allowUnknownOption(true)
    .addHelpText(
      'after',
      `
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
  cohort cluster down`,
    )
    .action(async (action: string, _args: string[], flags, cmd: Command) => {
      const rest = cmd.args.slice(1);
      if (action === 'up') return exit(await clusterUp(flags, rest));
      exit(await clusterControl(action, rest, flags));
    });

  root
    .command('check')
    .description('check recorded histories')
    .command('linearizability')
    .description('is a client history linearizable? (register or key-value model)')
    .argument('<file>', 'the history: Cohort JSON lines, Jepsen EDN, or jepsen.util log lines')
    .requiredOption('--model <model>', 'register (one register) or kv (a register per key)')
    .option('--format <format>', 'auto, jsonl, edn or jepsen-log', 'auto')
    .option('--max-configurations <n>', 'give up (exit 3) past this many search states', '4000000')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      `
Formats (auto-detected unless --format is given):
  jsonl       one event per line: {"process":0,"type":"invoke","f":"write","value":3,"time":0}
              (type invoke|ok|fail|info, f read|write|cas|append, cas value [expected, new],
              append value a string added to the end, "key" for kv)
  edn         Jepsen's history: [{:process 0, :type :invoke, :f :write, :value 3} …] or one map
              per line; kv histories as jepsen.independent tuples, :value [k v], or with :key
              (Porcupine's kv logs: :f :get, :put, :append — read and write by other names;
              in the kv model an absent key and "" are the same value)
  jepsen-log  jepsen.util log lines: INFO  jepsen.util - 0<TAB>:invoke<TAB>:read<TAB>nil

Semantics as Knossos': a failed op did not happen; an info (timed-out) op may have happened at
any point after its invoke, or never. Exit 0 linearizable, 1 not, 2 unreadable input (the
message names the line), 3 undecided (the search hit --max-configurations). When not
linearizable, a 1-minimal set of operations that cannot be ordered is printed.

Examples:
  cohort check linearizability history.jsonl --model kv
  cohort check linearizability jepsen/history.edn --model register --json
  cohort check linearizability jepsen.log --model register --format jepsen-log
  cohort check linearizability porcupine/test_data/kv/c50-ok.txt --model kv`,
    )
    .action((file: string, flags) => exit(checkLinearizabilityCommand(file, flags)));

  root
    .command('tour')
    .description('simulate every registered algorithm with its defaults and print a table')
    .option('--json', 'print one JSON document')
    .action((flags) => exit(tourCommand(flags)));

  root
    .command('lab')
    .description('serve the Lab: run, animate and break every algorithm in your browser')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '4680')
    .addHelpText('after', '\nExamples:\n  cohort lab\n  cohort lab --port 8080')
    .action(async (flags) => exit(await labCommand(flags)));

  for (const group of root.commands)
    if (group.commands.length > 0) group.action(() => needsSubcommand(group));
  return root;
}

/** `cohort chain` alone: bad usage, in one line that names the subcommands. */
function needsSubcommand(group: Command): never {
  const names = group.commands.map((c) => c.name()).join(', ');
  throw new UsageError(
    `'${group.name()}' needs a subcommand: ${names} (cohort ${group.name()} --help)`,
  );
}

/** Commander's accumulator for repeatable options. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const root = program((c) => {
    code = c;
  });
  try {
    await root.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') {
        // `cohort` alone.
        process.stderr.write('cohort: give a command (cohort --help lists them)\n');
        return EXIT_USAGE;
      }
      process.stderr.write(`cohort: ${error.message.replace(/^error: /, '')}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`cohort: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
