// The `cohort` command tree: names, flags and help of every command, and nothing else.
// Each action imports its implementation when it runs, so `cohort --help` loads commander
// and this file only, `cohort sim list` the registry, and `cohort check …` the checker —
// never the simulator, fast-check, pino or the runtime unless the command needs them.

import { Argument, Command } from 'commander';
import { allocateCommandDef } from './commands-allocate.js';
import { balanceCommandDef } from './commands-balance.js';
import { brokerCommandDef } from './commands-broker.js';
import { computeCommandDef } from './commands-compute.js';
import { detectCommandDef } from './commands-detect.js';
import { partitionCommandDef } from './commands-partition.js';
import { clusterCommand, nodeCommand } from './commands-real.js';
import { serveCommandDef } from './commands-serve.js';
import { BENCHMARKS, SHELLS } from './operands.js';
import { type Exit, UsageError } from './usage-error.js';

const SIM_HELP = `
Algorithm options (see 'cohort sim list') follow the common ones.

Fault plan syntax (';' or newline between faults; times in ms, or with an 's' suffix):
  crash 3 @2000   restart 3 @5s   pause 2 @100..400   resume 2 @300
  partition 1,2|3,4,5 @3000..8000   isolate 4 @0..900   block 1,2->3 @0..500   heal @9000
  drop 0.05   dup 1%   reorder 0.1   corrupt 1%   delay 5..50   (each may end with @A..B)
  link 1->2 drop 0.5   link 1-2 delay 100..200   drift 3 +500ppm

Examples:
  cohort sim list
  cohort sim clock/vector --nodes 4 --seed 7 --faults 'partition 1,2|3,4 @0..500'
  cohort sim clock/lamport --events 100 --send-percent 80 --json`;

function addSim(root: Command, exit: Exit): void {
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
    .option('--history <file>', "write the client history as JSON lines (for 'cohort check')")
    .option('--json', 'print one JSON document')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText('after', SIM_HELP)
    .action(async (algorithm: string, flags, cmd: Command) => {
      const rest = cmd.args.slice(1);
      if (algorithm === 'list') {
        if (rest.some((a) => a !== '--json'))
          throw new UsageError(`unknown argument '${rest[0]}' for 'sim list'`);
        const { listCommand } = await import('./list-command.js');
        return exit(listCommand({ json: flags.json === true || rest.includes('--json') }));
      }
      const { simCommand } = await import('./sim-command.js');
      exit(simCommand(algorithm, flags, rest));
    });
}

function addFuzz(root: Command, exit: Exit): void {
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
    .action(async (algorithm: string, flags, cmd: Command) => {
      const { fuzzCommand } = await import('./fuzz-command.js');
      exit(fuzzCommand(algorithm, flags, cmd.args.slice(1)));
    });
}

function addBench(root: Command, exit: Exit): void {
  const what = Object.entries(BENCHMARKS).map(([name, about]) => `${name} (${about})`);
  root
    .command('bench')
    .description('measure Cohort against its baseline')
    .argument('<what>', what.join(', '))
    .option('--json', 'print one JSON document')
    .option(
      '--repeats <n>',
      'runs per configuration (sim, raft-sim, compute: the best is reported; wal, server, locks, txn: the median)',
      '3',
    )
    .option(
      '--trials <n>',
      'raft-election: trials per timeout range (1000); schedulers: seeds per point (5)',
    )
    .option(
      '--svg <file>',
      'raft-election: where to write the CDF plot (raft-election-cdf.svg); schedulers, compute: the plot; gossip: the spread plot (swim-detection.svg goes beside it)',
    )
    .option('--writes <n>', 'wal: durable writes per configuration', '2000')
    .option('--messages <n>', 'transport: messages per configuration', '50000')
    .option('--members <list>', 'server: cluster sizes (1 and/or 3)', '1,3')
    .option(
      '--concurrency <list>',
      'server: requests in flight (1,16,64,256); locks, txn, limits: workers (1,16,64); comm: producers (1,64)',
    )
    .option(
      '--backends <list>',
      'locks: redis, redlock, postgres, postgres-advisory, etcd, etcd-on-cohort, zookeeper (default all; peers run with theirs); comm: cohort, rabbitmq, nats',
    )
    .option(
      '--sizes <list>',
      'comm: message sizes in bytes (100,4096); gossip: cluster sizes (10,100,1000,10000)',
    )
    .option('--nodes <n>', 'partition: nodes in the lookup and movement runs (100)')
    .option('--lookup-keys <n>', 'partition: distinct keys looked up (100000)')
    .option('--seeds <n>', 'gossip: seeds per configuration (spread 5, SWIM 10)')
    .option(
      '--workloads <list>',
      'server: put, get, get-serializable, txn, lock, lock-shared, hot-lock, watch-fanout, rss (default all but rss)',
    )
    .option('--size <mb>', 'compute: the generated corpus, in MB (256)')
    .option('--records <n>', 'compute: stream records per delivery guarantee (5000)')
    .option('--watchers <n>', 'server: watchers in watch-fanout', '1000')
    .option('--keys <n>', 'server: keys the rss workload loads', '1000000')
    .option('--value-bytes <n>', "server: the rss workload's value size", '100')
    .option(
      '--duration <ms>',
      'server, locks, txn, limits, comm: milliseconds per run (workload, concurrency, server, implementation, protocol or limiter)',
      '500',
    )
    .option(
      '--cpu-prof <dir>',
      "server, comm: write each Cohort member's (broker's) V8 CPU profile here",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cohort bench sim\n  cohort bench sim --json\n' +
        '  cohort bench raft-election --trials 200 --svg docs/raft-election-cdf.svg\n' +
        '  cohort bench raft-sim --repeats 1\n  cohort bench wal --writes 5000\n' +
        '  cohort bench transport --messages 100000\n' +
        '  cohort bench server --members 1 --duration 3000 --json\n' +
        '  cohort bench locks --backends redis,etcd --duration 1000\n' +
        '  cohort bench limits --duration 3000 --repeats 3 --json\n' +
        '  cohort bench txn --duration 3000 --repeats 3\n' +
        '  cohort bench compute --size 64 --svg docs/compute-scaling.svg\n' +
        '  cohort bench comm --duration 3000 --repeats 3 --concurrency 1,64 --json\n' +
        '  cohort bench schedulers --trials 5 --svg docs/schedulers-wait.svg\n' +
        '  cohort bench partition --duration 500 --repeats 5\n' +
        '  cohort bench gossip --svg docs/gossip-spread.svg',
    )
    .action(async (name: string, flags) => {
      const { benchCommand } = await import('./bench-command.js');
      exit(await benchCommand(name, flags));
    });
}

function addChain(root: Command, exit: Exit): void {
  root
    .command('chain')
    .description('blockchain tools')
    .command('verify-header')
    .description("check an 80-byte Bitcoin block header's proof of work against its bits")
    .argument('<hex>', 'the header as 160 hex digits')
    .option('--pow-limit <bits>', "the network's easiest target, compact hex", '1d00ffff')
    .option('--json', 'print one JSON document')
    .action(async (hex: string, flags) => {
      const { verifyHeaderCommand } = await import('./chain-command.js');
      exit(verifyHeaderCommand(hex, flags));
    });
}

const CHECK_HELP = `
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
  cohort check linearizability porcupine/test_data/kv/c50-ok.txt --model kv`;

const CONSISTENCY_HELP = `
Models: linearizable, sequential, causal (causal memory), read-your-writes, monotonic-reads,
monotonic-writes, eventual (reads after each key's last write agree). Every model past
linearizable takes read-from from the values, so each key's written values must be distinct
(Cohort's workloads write <client>.<seq>); otherwise those models answer ? with the reason.
Formats and semantics as for check linearizability.

Examples:
  cohort check consistency history.jsonl
  cohort check consistency history.jsonl --require causal,read-your-writes --json`;

function addCheck(root: Command, exit: Exit): void {
  const check = root.command('check').description('check recorded histories');
  check
    .command('consistency')
    .description('which consistency models does a client history satisfy? (a table)')
    .argument('<file>', 'the history: Cohort JSON lines, Jepsen EDN, or jepsen.util log lines')
    .option('--model <model>', 'register (one register) or kv (a register per key)', 'kv')
    .option('--format <format>', 'auto, jsonl, edn or jepsen-log', 'auto')
    .option('--require <models>', 'exit 1 unless these hold (comma-separated model names)')
    .option('--max-configurations <n>', 'bound on the linearizable and sequential searches')
    .option('--json', 'print one JSON document')
    .addHelpText('after', CONSISTENCY_HELP)
    .action(async (file: string, flags) => {
      const { checkConsistencyCommand } = await import('./check-consistency-command.js');
      exit(checkConsistencyCommand(file, flags));
    });
  check
    .command('linearizability')
    .description('is a client history linearizable? (register or key-value model)')
    .argument('<file>', 'the history: Cohort JSON lines, Jepsen EDN, or jepsen.util log lines')
    .requiredOption('--model <model>', 'register (one register) or kv (a register per key)')
    .option('--format <format>', 'auto, jsonl, edn or jepsen-log', 'auto')
    .option('--max-configurations <n>', 'give up (exit 3) past this many search states', '4000000')
    .option('--json', 'print one JSON document')
    .addHelpText('after', CHECK_HELP)
    .action(async (file: string, flags) => {
      const { checkLinearizabilityCommand } = await import('./check-command.js');
      exit(checkLinearizabilityCommand(file, flags));
    });
}

function addTourAndLab(root: Command, exit: Exit): void {
  root
    .command('tour')
    .description('simulate every registered algorithm with its defaults and print a table')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const { tourCommand } = await import('./tour-command.js');
      exit(tourCommand(flags));
    });
  root
    .command('lab')
    .description('serve the Lab: run, animate and break every algorithm in your browser')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '4680')
    .addHelpText('after', '\nExamples:\n  cohort lab\n  cohort lab --port 8080')
    .action(async (flags) => {
      const { labCommand } = await import('./lab-command.js');
      exit(await labCommand(flags));
    });
}

function addCompletion(root: Command, exit: Exit): void {
  root
    .command('completion')
    .description('print a shell completion script (commands, flags, algorithm names)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  source <(cohort completion bash)              # this shell; add it to ~/.bashrc to keep it
  cohort completion zsh > "\${fpath[1]}/_cohort"  # zsh, then start a new shell`,
    )
    .action(async (shell: (typeof SHELLS)[number]) => {
      const { completionScript } = await import('./completion.js');
      process.stdout.write(completionScript(shell, root));
      exit(0);
    });
}

/** The command tree; each action reports its exit code through `exit`. */
export function program(exit: Exit, version: string): Command {
  const root = new Command('cohort')
    .description('Distributed coordination, simulated under faults and run for real.')
    .version(version, '-V, --version', 'print the version of cohort')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .showSuggestionAfterError(true)
    // A group's own options come before its subcommand's name (`partition --scheme …` beside
    // `partition ring --nodes …`); commander needs this on every level above such a group.
    .enablePositionalOptions();
  addSim(root, exit);
  addFuzz(root, exit);
  addBench(root, exit);
  addChain(root, exit);
  nodeCommand(root, exit);
  serveCommandDef(root, exit);
  clusterCommand(root, exit);
  partitionCommandDef(root, exit);
  addCheck(root, exit);
  allocateCommandDef(root, exit);
  computeCommandDef(root, exit);
  balanceCommandDef(root, exit);
  detectCommandDef(root, exit);
  brokerCommandDef(root, exit);
  addTourAndLab(root, exit);
  addCompletion(root, exit);
  // A group without an action of its own (`cohort partition --scheme …` has one) needs one.
  for (const group of root.commands)
    if (group.commands.length > 0 && !hasAction(group)) group.action(() => needsSubcommand(group));
  return root;
}

/** Whether the command has its own action (commander keeps it as a private handler). */
function hasAction(command: Command): boolean {
  return (command as unknown as { _actionHandler: unknown })._actionHandler != null;
}

/** `cohort chain` alone: bad usage, in one line that names the subcommands. */
function needsSubcommand(group: Command): never {
  const names = group.commands.map((c) => c.name()).join(', ');
  throw new UsageError(
    `'${group.name()}' needs a subcommand: ${names} (cohort ${group.name()} --help)`,
  );
}
