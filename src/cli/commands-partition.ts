// `cohort partition`: which node holds a key, and what each partitioning scheme costs when a
// node is added or removed (src/cluster/partition, docs/partitioning.md).
//
//   cohort partition <modn|ring|jump|rendezvous|slots> --nodes a,b,c [--keys N] [--add d |
//     --remove b]    load per node, and the keys moved by the change
//   cohort partition <scheme> --nodes a,b,c KEY…   one 'key<TAB>node' line per key ('-': the
//     keys are the lines of standard input)
//   cohort partition compare --nodes … [--add d | --remove b]   every scheme in one table
//   cohort partition slot KEY… [--nodes a,b,c]     Redis hash slots ('key<TAB>slot[<TAB>node]')
//
// The command tree is defined here; the partitioners load only when an action runs.
// Fault model: every flag and key is untrusted; a bad one is one line on stderr, exit 2.

import type { Command } from 'commander';
import type {
  Change,
  HashName,
  LoadStats,
  NodeSet,
  PartitionReport,
  SchemeConfig,
} from '../cluster/partition/index.js';
import { SCHEMES, type Scheme } from '../cluster/partition/partitioner.js';
import { parseInteger } from './parse-flags.js';
import { EXIT_OK, type Exit, UsageError } from './usage-error.js';

type Cluster = typeof import('../cluster/partition/index.js');

interface PartitionFlags {
  readonly nodes?: string;
  readonly weights?: string;
  readonly vnodes?: string;
  readonly hash?: string;
  readonly keys?: string;
  readonly add?: string;
  readonly remove?: string;
  readonly json?: boolean;
}

const ABOUT: Record<Scheme, string> = {
  modn: 'hash mod N: balanced, but a change of N remaps almost every key',
  ring: 'consistent hashing on a ring with virtual nodes (and weights)',
  ketama: "libketama's ring (memcached clients): MD5 points, 160 per server by weight",
  jump: 'jump consistent hash (Lamping & Veach 2014): no table, nodes added at the end',
  rendezvous: 'rendezvous (highest random weight) hashing, with weights',
  slots: "Redis Cluster's 16,384 hash slots, laid out as redis-cli does, rebalanced minimally",
};

const PARTITION_HELP = `
Keys are hashed with the first 8 bytes of MD5 (big-endian) unless --hash says otherwise;
slots use Redis's CRC16/XMODEM with {hash tags}. The analysis maps --keys synthetic keys
("key:0", "key:1", …), applies --add or --remove, and counts the keys whose node changed.

Examples:
  cohort partition ring --nodes a,b,c --vnodes 100 --keys 100000 --add d
  cohort partition modn --nodes a,b,c,d --remove b --json
  cohort partition rendezvous --nodes a,b,c --weights 1,2,1
  cohort partition jump --nodes a,b,c user:1 user:2      # key<TAB>node per key
  cohort partition ketama --nodes 127.0.0.1:11211,127.0.0.1:11212 - < keys.txt
  cohort partition --scheme slots --nodes m1,m2,m3 < keys.txt      # key<TAB>slot<TAB>node
  cohort partition slots --nodes m1,m2,m3 --add m4       # the slot moves, too
  cohort partition compare --nodes a,b,c,d,e --add f
  cohort partition slot foo '{user1000}.following' '{user1000}.followers'`;

async function load(): Promise<{ cluster: Cluster; table: typeof import('./format.js').table }> {
  const [cluster, format] = await Promise.all([
    import('../cluster/partition/index.js'),
    import('./format.js'),
  ]);
  return { cluster, table: format.table };
}

/** Runs `body`, turning the partitioners' typed errors into one-line usage errors. */
async function typed<T>(cluster: Cluster, body: () => T): Promise<T> {
  try {
    return body();
  } catch (error) {
    if (error instanceof cluster.PartitionError) throw new UsageError(error.message);
    throw error;
  }
}

function list(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',');
}

function parseWeights(raw: string | undefined): number[] | undefined {
  return list(raw)?.map((w) => {
    if (!/^\d+(\.\d+)?$/.test(w)) throw new UsageError(`--weights: '${w}' is not a number`);
    return Number(w);
  });
}

interface Parsed {
  readonly config: SchemeConfig;
  readonly set: NodeSet;
  readonly keys: number;
  readonly change: Change | undefined;
}

function parseFlags(cluster: Cluster, scheme: Scheme | 'compare', flags: PartitionFlags): Parsed {
  const names = list(flags.nodes);
  if (names === undefined) throw new UsageError('--nodes is required (e.g. --nodes a,b,c)');
  const weights = parseWeights(flags.weights);
  const hash = (flags.hash ?? cluster.DEFAULT_HASH) as HashName;
  if (!cluster.HASH_NAMES.includes(hash))
    throw new UsageError(`--hash must be ${cluster.HASH_NAMES.join(', ')}; got '${hash}'`);
  if (flags.hash !== undefined && scheme === 'slots')
    throw new UsageError('--hash is not for slots: Redis hashes with CRC16/XMODEM');
  if (flags.hash !== undefined && scheme === 'ketama')
    throw new UsageError("--hash is not for ketama: libketama's points are MD5");
  if (flags.vnodes !== undefined && scheme !== 'ring' && scheme !== 'compare')
    throw new UsageError(`--vnodes is for ring, not ${scheme}`);
  const vnodes = parseInteger('--vnodes', flags.vnodes, 1, cluster.MAX_VNODES);
  const keys = parseInteger('--keys', flags.keys ?? '100000', 1, cluster.MAX_KEYS) as number;
  if (flags.add !== undefined && flags.remove !== undefined)
    throw new UsageError('give --add or --remove, not both');
  const change =
    flags.add !== undefined
      ? { add: flags.add }
      : flags.remove !== undefined
        ? { remove: flags.remove }
        : undefined;
  return {
    config: {
      scheme: scheme === 'compare' ? 'ring' : scheme,
      hash,
      ...(vnodes !== undefined ? { vnodes } : {}),
    },
    set: { names, ...(weights !== undefined ? { weights } : {}) },
    keys,
    change,
  };
}

/** Keys read from standard input are held in memory: this many bytes at most. */
const MAX_STDIN_BYTES = 64 * 2 ** 20;

const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

function renderStats(table: Loaded['table'], stats: LoadStats): string {
  const rows = stats.perNode.map((l) => [l.node, String(l.keys), percent(l.share)]);
  const summary =
    `max/mean ${stats.maxOverMean.toFixed(3)}, ` + `stddev/mean ${percent(stats.stddevOverMean)}`;
  return `${table(['node', 'keys', 'share'], rows)}\n${summary}`;
}

type Loaded = Awaited<ReturnType<typeof load>>;

function slotMoves(cluster: Cluster, parsed: Parsed) {
  const { change, set } = parsed;
  if (parsed.config.scheme !== 'slots' || change === undefined) return undefined;
  const names =
    'add' in change ? [...set.names, change.add] : set.names.filter((n) => n !== change.remove);
  return cluster.planRebalance(cluster.assignSlots(set.names), names).moves;
}

function renderReport(
  loaded: Loaded,
  report: PartitionReport,
  moves: ReturnType<typeof slotMoves>,
): string {
  const { table } = loaded;
  const how = [report.hash === 'crc16' ? 'CRC16/XMODEM slots' : `hash ${report.hash}`];
  if (report.vnodes !== undefined) how.push(`${report.vnodes} vnodes per unit of weight`);
  if (report.weights !== undefined) how.push(`weights ${report.weights.join(',')}`);
  const out = [
    `${report.scheme}: ${report.keys} keys on ${report.nodes.length} nodes (${how.join(', ')})`,
    '',
    renderStats(table, report.before),
  ];
  const m = report.movement;
  if (m === undefined) return out.join('\n');
  const what = 'add' in m.change ? `add ${m.change.add}` : `remove ${m.change.remove}`;
  const whose =
    'add' in m.change ? `the keys ${m.change.add} now holds` : `the keys ${m.change.remove} held`;
  out.push(
    '',
    `${what}: ${m.movedKeys} keys moved (${percent(m.movedFraction, 2)})`,
    `  expected ${percent(m.expectedFraction, 2)} (${m.expectedFormula}); ` +
      `least possible ${percent(m.minimalFraction, 2)} (${whose})`,
  );
  if (moves !== undefined) {
    out.push(`  ${m.slotsMoved} slots change master:`);
    for (const mv of moves) {
      const ranges = mv.slots.map((r) =>
        r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`,
      );
      out.push(`    ${mv.source} → ${mv.target}: ${mv.count} slots (${ranges.join(', ')})`);
    }
  }
  out.push('', 'after:', renderStats(table, m.after));
  return out.join('\n');
}

async function schemeAction(
  scheme: Scheme,
  keys: string[],
  flags: PartitionFlags,
): Promise<number> {
  const loaded = await load();
  const { cluster } = loaded;
  const parsed = parseFlags(cluster, scheme, flags);
  if (keys.length === 1 && keys[0] === '-') keys = await stdinLines();
  if (keys.length > 0) {
    if (parsed.change !== undefined)
      throw new UsageError('--add and --remove measure a change; give no keys with them');
    return mapKeys(cluster, parsed, keys, flags.json === true);
  }
  const report = await typed(cluster, () =>
    cluster.analysePartitioning(parsed.config, parsed.set, parsed.keys, parsed.change),
  );
  const moves = await typed(cluster, () => slotMoves(cluster, parsed));
  if (flags.json === true)
    process.stdout.write(
      `${JSON.stringify(moves === undefined ? report : { ...report, slotMoves: moves }, null, 2)}\n`,
    );
  else process.stdout.write(`${renderReport(loaded, report, moves)}\n`);
  return EXIT_OK;
}

/** The lines of standard input (without their line ends), for `-` as the keys. */
async function stdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_STDIN_BYTES)
      throw new UsageError(`standard input is over ${MAX_STDIN_BYTES / 2 ** 20} MiB of keys`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * `cohort partition --scheme S --nodes … [KEY…]`: the scheme as a flag, keys from the
 * arguments or else from standard input, one 'key<TAB>node' line each (slots: key, slot,
 * node). The subcommands (`partition S …`) do the same and also the analysis.
 */
async function schemeFlagAction(
  keys: string[],
  flags: PartitionFlags & { scheme?: string },
): Promise<number> {
  const scheme = flags.scheme;
  if (scheme === undefined)
    throw new UsageError(
      `partition: give --scheme (${SCHEMES.join(', ')}) or a subcommand; see --help`,
    );
  if (!(SCHEMES as readonly string[]).includes(scheme))
    throw new UsageError(`--scheme must be ${SCHEMES.join(', ')}; got '${scheme}'`);
  if (flags.add !== undefined || flags.remove !== undefined)
    throw new UsageError(`--add and --remove are for the analysis: cohort partition ${scheme} …`);
  return schemeAction(scheme as Scheme, keys.length === 0 ? ['-'] : keys, flags);
}

async function mapKeys(cluster: Cluster, parsed: Parsed, keys: string[], json: boolean) {
  const p = await typed(cluster, () => cluster.createPartitioner(parsed.config, parsed.set));
  const rows = keys.map((key) => ({
    key,
    ...(p.scheme === 'slots' ? { slot: cluster.keyHashSlot(key) } : {}),
    node: p.nodeFor(key),
  }));
  if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else
    for (const r of rows)
      process.stdout.write(`${[r.key, ...('slot' in r ? [r.slot] : []), r.node].join('\t')}\n`);
  return EXIT_OK;
}

/** Every scheme (the ring twice: one point per node, and --vnodes) on the same keys. */
async function compareAction(flags: PartitionFlags): Promise<number> {
  const { cluster, table } = await load();
  const parsed = parseFlags(cluster, 'compare', flags);
  const vnodes = parsed.config.vnodes ?? cluster.DEFAULT_VNODES;
  const configs = [
    { label: 'modn', scheme: 'modn' as const },
    { label: 'ring, 1 vnode', scheme: 'ring' as const, vnodes: 1 },
    { label: `ring, ${vnodes} vnodes`, scheme: 'ring' as const, vnodes },
    { label: 'ketama', scheme: 'ketama' as const },
    { label: 'jump', scheme: 'jump' as const },
    { label: 'rendezvous', scheme: 'rendezvous' as const },
    { label: 'slots', scheme: 'slots' as const },
  ];
  const weighted = parsed.set.weights !== undefined;
  const results = await typed(cluster, () =>
    configs
      .filter((c) => !weighted || ['ring', 'ketama', 'rendezvous'].includes(c.scheme))
      .map((c) => ({
        label: c.label,
        report: cluster.analysePartitioning(
          {
            scheme: c.scheme,
            hash: parsed.config.hash ?? cluster.DEFAULT_HASH,
            ...(c.vnodes ? { vnodes: c.vnodes } : {}),
          },
          parsed.set,
          parsed.keys,
          parsed.change,
        ),
      })),
  );
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return EXIT_OK;
  }
  const change = parsed.change;
  const what =
    change === undefined ? '' : 'add' in change ? `add ${change.add}` : `remove ${change.remove}`;
  const header = ['scheme', 'max/mean', 'stddev/mean'];
  if (change !== undefined) header.push(`moved (${what})`, 'expected', 'least possible');
  const rows = results.map(({ label, report }) => {
    const row = [
      label,
      report.before.maxOverMean.toFixed(3),
      percent(report.before.stddevOverMean),
    ];
    const m = report.movement;
    if (m !== undefined)
      row.push(
        percent(m.movedFraction, 2),
        `${percent(m.expectedFraction, 2)} (${m.expectedFormula})`,
        percent(m.minimalFraction, 2),
      );
    return row;
  });
  const nodes = parsed.set.names.join(',');
  process.stdout.write(
    `${parsed.keys} keys on ${nodes}, hash ${parsed.config.hash} (slots: CRC16/XMODEM)\n\n`,
  );
  process.stdout.write(`${table(header, rows)}\n`);
  return EXIT_OK;
}

async function slotAction(keys: string[], flags: PartitionFlags): Promise<number> {
  const { cluster } = await load();
  const names = list(flags.nodes);
  const table =
    names === undefined ? undefined : await typed(cluster, () => cluster.assignSlots(names));
  const rows = keys.map((key) => {
    const slot = cluster.keyHashSlot(key);
    const node = table?.masters[table.owner[slot] as number];
    return { key, slot, ...(node !== undefined ? { node } : {}) };
  });
  if (flags.json === true) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else
    for (const r of rows)
      process.stdout.write(
        `${[r.key, r.slot, ...(r.node !== undefined ? [r.node] : [])].join('\t')}\n`,
      );
  return EXIT_OK;
}

function schemeOptions(cmd: Command): Command {
  return cmd
    .option('--nodes <list>', 'node names, comma-separated (required)')
    .option('--weights <list>', 'ring, rendezvous: one positive weight per node')
    .option('--vnodes <n>', 'ring: points per node of weight 1 (default 100)')
    .option('--hash <name>', 'md5 (the default: first 8 bytes, big-endian), sha1 or fnv1a')
    .option('--keys <n>', 'synthetic keys the analysis maps', '100000')
    .option('--add <node>', 'measure adding this node (weight 1)')
    .option('--remove <node>', 'measure removing this node')
    .option('--json', 'print one JSON document');
}

export function partitionCommandDef(root: Command, exit: Exit): void {
  const group = root
    .command('partition')
    .description(
      'partition keys across nodes: mod-N, consistent hashing, jump, rendezvous, Redis slots',
    )
    .addHelpText('after', PARTITION_HELP)
    // The group's own options (the --scheme form) stay before a subcommand's name, so that
    // `partition ring --nodes …` still gives --nodes to the subcommand.
    .enablePositionalOptions();
  schemeOptions(group)
    .option('--scheme <name>', `map keys with one scheme: ${SCHEMES.join(', ')}`)
    .argument('[keys...]', 'with --scheme: keys to map; none: the lines of standard input')
    .action(async (keys: string[], flags: PartitionFlags & { scheme?: string }) => {
      exit(await schemeFlagAction(keys, flags));
    });
  for (const scheme of SCHEMES)
    schemeOptions(group.command(scheme).description(ABOUT[scheme]))
      .argument(
        '[keys...]',
        "keys to map (one 'key<TAB>node' line each) instead of the analysis; '-': stdin's lines",
      )
      .addHelpText('after', PARTITION_HELP)
      .action(async (keys: string[], flags: PartitionFlags) => {
        exit(await schemeAction(scheme, keys, flags));
      });
  schemeOptions(group.command('compare'))
    .description('every scheme on the same keys: balance, and the keys a change moves')
    .addHelpText('after', PARTITION_HELP)
    .action(async (flags: PartitionFlags) => exit(await compareAction(flags)));
  group
    .command('slot')
    .description("Redis Cluster hash slots of keys (CLUSTER KEYSLOT's answer)")
    .argument('<keys...>', 'keys (as UTF-8)')
    .option('--nodes <list>', "also name each key's master, slots laid out as redis-cli does")
    .option('--json', 'print one JSON document')
    .addHelpText('after', PARTITION_HELP)
    .action(async (keys: string[], flags: PartitionFlags) => exit(await slotAction(keys, flags)));
}
