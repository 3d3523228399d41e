// `cohort allocate maxmin|drf`: fair allocation from the shell (src/scheduling). Prints each
// user's allocation as a table — for DRF the tasks, the resources they hold and the dominant
// share — or one JSON document with --json, where every quantity is a float and, beside it
// under `…Exact`, the exact fraction. Input comes from the command line, so it is untrusted:
// a malformed list or an unallocatable demand is bad usage (one line on stderr, exit 2). The
// allocators load only when the command runs.

import type { Command } from 'commander';
import type {
  DiscreteDrfAllocation,
  DrfAllocation,
  MaxMinAllocation,
  Rational,
} from '../scheduling/index.js';
import { table } from './format.js';
import { EXIT_OK, type Exit, UsageError } from './usage-error.js';

const ALLOCATE_HELP = `
Quantities are decimals (2.6, 1e3), computed exactly: 2.7 is 27/10, and a share that has no
short decimal prints as a fraction (2/3 ≈ 0.6667). Users are named A, B, C… unless --users.

Examples:
  cohort allocate maxmin --capacity 10 --demands 2,2.6,4,5
  cohort allocate maxmin --capacity 10 --demands 8,8,8 --weights 1,2,2 --json
  cohort allocate drf --capacity 9,18 --demands 1,4/3,1 --resources cpu,gb
  cohort allocate drf --capacity 9,18 --demands 1,4/3,1 --weights 2,1
  cohort allocate drf --capacity 9,18 --demands 3,1/1,4 --discrete`;

interface CommonFlags {
  capacity: string;
  demands: string;
  weights?: string;
  users?: string;
  json?: boolean;
}

interface DrfFlags extends CommonFlags {
  discrete?: boolean;
  skip?: boolean;
  resources?: string;
}

/** Registers `cohort allocate` and its two subcommands. */
export function allocateCommandDef(root: Command, exit: Exit): void {
  const group = root
    .command('allocate')
    .description('share resources fairly: max-min fairness, Dominant Resource Fairness')
    .addHelpText('after', ALLOCATE_HELP);
  const common = (cmd: Command) =>
    cmd
      .option('--weights <list>', 'one weight per user, e.g. 2,1 (default: all 1)')
      .option('--users <names>', 'user names, comma-separated (default A, B, C…)')
      .option('--json', 'print one JSON document')
      .addHelpText('after', ALLOCATE_HELP);
  common(
    group
      .command('maxmin')
      .description('weighted max-min fairness of one resource (progressive filling)')
      .requiredOption('--capacity <amount>', 'the amount to share, e.g. 10')
      .requiredOption('--demands <list>', "each user's demand, e.g. 2,2.6,4,5"),
  ).action(async (flags: CommonFlags) => exit(await maxMinCommand(flags)));
  common(
    group
      .command('drf')
      .description('Dominant Resource Fairness over several resources (Ghodsi et al. 2011)')
      .requiredOption('--capacity <list>', 'capacity per resource, e.g. 9,18 (9 CPUs, 18 GB)')
      .requiredOption('--demands <tasks>', "each user's task, '/' between users: 1,4/3,1")
      .option('--resources <names>', 'resource names, comma-separated (default r1, r2…)')
      .option('--discrete', "whole tasks, one at a time (the paper's Algorithm 1)")
      .option('--skip', "with --discrete: pass over a user whose task won't fit, not stop"),
  ).action(async (flags: DrfFlags) => exit(await drfCommand(flags)));
}

/** Comma-separated items, none empty. */
function list(flag: string, raw: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new UsageError(`${flag} must be a comma-separated list, got '${raw}'`);
  return items;
}

/** Names for `count` items: given ones (exactly that many), or the defaults. */
function names(flag: string, raw: string | undefined, count: number, fallback: string[]) {
  if (raw === undefined) return fallback;
  const given = list(flag, raw);
  if (given.length !== count)
    throw new UsageError(`${flag} names ${given.length}, but there are ${count}`);
  return given;
}

const userNames = (n: number) =>
  Array.from({ length: n }, (_, i) => (i < 26 ? String.fromCharCode(65 + i) : `U${i + 1}`));

/** Runs an allocator, turning its typed input errors into bad usage. */
async function allocating<T>(run: (lib: typeof import('../scheduling/index.js')) => T) {
  const lib = await import('../scheduling/index.js');
  try {
    return { lib, result: run(lib) };
  } catch (error) {
    if (error instanceof lib.AllocationError) throw new UsageError(error.message);
    throw error;
  }
}

const float = (q: Rational) => q.toNumber();
const exact = (q: Rational) => q.toString();
const write = (text: string) => process.stdout.write(`${text}\n`);

export async function maxMinCommand(flags: CommonFlags): Promise<number> {
  const demands = list('--demands', flags.demands);
  const weights = flags.weights === undefined ? undefined : list('--weights', flags.weights);
  const who = names('--users', flags.users, demands.length, userNames(demands.length));
  const { lib, result: a } = await allocating((lib) =>
    lib.maxMinFair({ capacity: flags.capacity, demands, ...(weights ? { weights } : {}) }),
  );
  if (flags.json === true) {
    write(JSON.stringify(maxMinJson(a, who), null, 2));
    return EXIT_OK;
  }
  const fmt = (q: Rational) => lib.formatRational(q);
  const level = a.fairShare === null ? 'every demand met' : `fair share ${fmt(a.fairShare)}`;
  write(`max-min fairness: ${fmt(a.allocated)} of ${fmt(a.capacity)} allocated, ${level}\n`);
  const rows = a.users.map((u, i) => [
    who[i] as string,
    fmt(u.demand),
    fmt(u.weight),
    fmt(u.allocation),
    u.satisfied ? 'yes' : 'no',
  ]);
  write(table(['user', 'demand', 'weight', 'allocation', 'satisfied'], rows));
  return EXIT_OK;
}

function maxMinJson(a: MaxMinAllocation, who: readonly string[]) {
  return {
    policy: 'max-min',
    capacity: float(a.capacity),
    allocated: float(a.allocated),
    fairShare: a.fairShare === null ? null : float(a.fairShare),
    fairShareExact: a.fairShare === null ? null : exact(a.fairShare),
    users: a.users.map((u, i) => ({
      user: who[i],
      demand: float(u.demand),
      weight: float(u.weight),
      allocation: float(u.allocation),
      allocationExact: exact(u.allocation),
      satisfied: u.satisfied,
    })),
  };
}

export async function drfCommand(flags: DrfFlags): Promise<number> {
  if (flags.skip === true && flags.discrete !== true)
    throw new UsageError('--skip applies to --discrete only');
  const capacity = list('--capacity', flags.capacity);
  const demands = flags.demands.split('/').map((task) => list('--demands', task));
  const weights = flags.weights === undefined ? undefined : list('--weights', flags.weights);
  const who = names('--users', flags.users, demands.length, userNames(demands.length));
  const what = names(
    '--resources',
    flags.resources,
    capacity.length,
    capacity.map((_, r) => `r${r + 1}`),
  );
  const input = { capacity, demands, ...(weights ? { weights } : {}) };
  const whenFull = flags.skip === true ? 'skip' : 'stop';
  const { lib, result: a } = await allocating((lib): DrfAllocation | DiscreteDrfAllocation =>
    flags.discrete === true ? lib.drfDiscrete(input, { whenFull }) : lib.drf(input),
  );
  const mode = flags.discrete === true ? `discrete-${whenFull}` : 'continuous';
  if (flags.json === true) {
    write(JSON.stringify(drfJson(a, mode, who, what), null, 2));
    return EXIT_OK;
  }
  const fmt = (q: Rational) => lib.formatRational(q);
  const vector = (v: readonly Rational[]) => `⟨${v.map(fmt).join(', ')}⟩`;
  const title =
    flags.discrete === true
      ? `DRF task by task (Algorithm 1, ${whenFull === 'stop' ? 'stops at the first task that does not fit' : 'skips a user whose task does not fit'})`
      : 'DRF by progressive filling (continuous: fractional tasks)';
  write(`${title}, capacity ${vector(a.capacity)}\n`);
  const rows = a.users.map((u, i) => [
    who[i] as string,
    vector(u.task),
    fmt(u.weight),
    fmt(u.tasks),
    ...u.allocation.map(fmt),
    `${fmt(u.dominantShare)} (${what[u.dominantResource]})`,
  ]);
  const blank = ['', '', ''];
  rows.push(['used', ...blank, ...a.used.map(fmt), '']);
  rows.push(['free', ...blank, ...a.capacity.map((c, r) => fmt(c.sub(a.used[r] as Rational))), '']);
  write(table(['user', 'task', 'weight', 'tasks', ...what, 'dominant share'], rows));
  if ('schedule' in a) {
    const order = a.schedule.length <= 40 ? `: ${a.schedule.map((i) => who[i]).join(' ')}` : '';
    write(`\n${a.schedule.length} tasks launched${order}`);
  }
  return EXIT_OK;
}

function drfJson(
  a: DrfAllocation | DiscreteDrfAllocation,
  mode: string,
  who: readonly string[],
  what: readonly string[],
) {
  return {
    policy: 'drf',
    mode,
    resources: a.capacity.map((c, r) => ({
      resource: what[r],
      capacity: float(c),
      used: float(a.used[r] as Rational),
      usedExact: exact(a.used[r] as Rational),
    })),
    users: a.users.map((u, i) => ({
      user: who[i],
      task: u.task.map(float),
      weight: float(u.weight),
      tasks: float(u.tasks),
      tasksExact: exact(u.tasks),
      allocation: u.allocation.map(float),
      allocationExact: u.allocation.map(exact),
      dominantResource: what[u.dominantResource],
      dominantShare: float(u.dominantShare),
      dominantShareExact: exact(u.dominantShare),
    })),
    ...('schedule' in a ? { schedule: a.schedule.map((i) => who[i]) } : {}),
  };
}
