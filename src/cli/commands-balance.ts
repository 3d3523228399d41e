// `cohort balance <policy>`: prints the sequence of peers a load-balancing policy picks, for
// given weights, so its behaviour can be seen and compared with nginx's. Requests are
// simulated in virtual time: one request arrives per pick, and a request sent to peer X
// stays in flight for hold(X) picks (--hold; 3 for every peer unless given) — that is the
// completion pattern least-conn and p2c react to; rr and swrr ignore it. The balancer (and
// the PRNG for p2c) load only when the command runs.

import { Argument, type Command } from 'commander';
import type { Policy } from '../reliability/balance/index.js';
import { parseInteger } from './parse-flags.js';
import { type Exit, UsageError } from './usage-error.js';

const POLICY_NAMES = ['rr', 'swrr', 'least-conn', 'p2c'] as const satisfies readonly Policy[];
const DEFAULT_HOLD = 3;

const BALANCE_HELP = `
Policies:
  rr          round robin: each available peer in turn, weights ignored
  swrr        nginx's smooth weighted round robin (the same sequence as nginx)
  least-conn  fewest requests in flight per unit of weight; ties rotate
  p2c         power of two choices: the less loaded of two peers drawn at random (--seed)

Completion pattern: one request arrives per pick; a request to peer X stays in flight for
hold(X) picks (--hold, default ${DEFAULT_HOLD} for every peer), then completes successfully.

Examples:
  cohort balance swrr --weights a=5,b=1,c=1 --picks 21
  cohort balance rr --weights a,b,c --picks 6
  cohort balance least-conn --weights a=2,b=1,c=1 --hold a=8,b=1,c=1 --picks 20
  cohort balance p2c --weights a,b,c,d --hold a=20 --seed 7 --picks 40 --json
  cohort balance swrr --weights a=5,b=1,c=1 --down b --picks 12`;

interface BalanceFlags {
  weights: string;
  picks: string;
  seed: string;
  hold?: string;
  down?: string;
  json?: boolean;
}

export function balanceCommandDef(root: Command, exit: Exit): void {
  root
    .command('balance')
    .description('print the peers a load-balancing policy picks (rr, swrr, least-conn, p2c)')
    .addArgument(new Argument('<policy>', 'rr, swrr, least-conn or p2c').choices(POLICY_NAMES))
    .requiredOption(
      '--weights <list>',
      'peers and integer weights: a=5,b=1,c=1 (a bare name weighs 1)',
    )
    .option('--picks <n>', 'how many picks to print', '21')
    .option('--seed <s>', "p2c's random seed (same seed ⇒ same sequence)", '1')
    .option(
      '--hold <list>',
      `picks each request stays in flight, per peer: a=8,b=1 (default ${DEFAULT_HOLD})`,
    )
    .option('--down <ids>', 'peers marked down by health checks: b,c')
    .option('--json', 'print one JSON document')
    .addHelpText('after', BALANCE_HELP)
    .action(async (policy: Policy, flags: BalanceFlags) =>
      exit(await balanceCommand(policy, flags)),
    );
}

/** `name=int,…` (a bare name has `bare`), each value an integer in min..max. */
function parsePairs(
  flag: string,
  raw: string,
  bare: number | null,
  max: number,
): Map<string, number> {
  const pairs = new Map<string, number>();
  for (const item of raw.split(',')) {
    const [name = '', value, extra] = item.split('=');
    if (name === '' || extra !== undefined || (value === undefined && bare === null))
      throw new UsageError(`${flag}: '${item}' is not name=integer`);
    if (pairs.has(name)) throw new UsageError(`${flag}: ${name} is listed twice`);
    pairs.set(
      name,
      value === undefined
        ? (bare as number)
        : (parseInteger(`${flag} ${name}`, value, 1, max) as number),
    );
  }
  return pairs;
}

export interface BalanceRun {
  readonly policy: Policy;
  readonly weights: Record<string, number>;
  readonly picks: number;
  readonly seed: number | null;
  readonly hold: Record<string, number>;
  readonly down: string[];
  readonly sequence: (string | null)[];
  readonly counts: Record<string, number>;
}

/** Runs the policy over the simulated arrivals; BalanceErrors become usage errors. */
export async function runBalance(policy: Policy, flags: BalanceFlags): Promise<BalanceRun> {
  const { BalanceError, MAX_WEIGHT, createBalancer } = await import(
    '../reliability/balance/index.js'
  );
  const { ManualClock } = await import('../reliability/clock.js');
  const { Prng } = await import('../core/prng.js');
  const weights = parsePairs('--weights', flags.weights, 1, MAX_WEIGHT);
  const picks = parseInteger('--picks', flags.picks, 1, 1_000_000) as number;
  const seed = parseInteger('--seed', flags.seed, 0, Number.MAX_SAFE_INTEGER) as number;
  const hold =
    flags.hold === undefined
      ? new Map<string, number>()
      : parsePairs('--hold', flags.hold, null, 1_000_000);
  const down = flags.down === undefined ? [] : flags.down.split(',');
  for (const id of [...hold.keys(), ...down])
    if (!weights.has(id)) throw new UsageError(`peer ${id} is not in --weights`);
  const holdOf = (id: string) => hold.get(id) ?? DEFAULT_HOLD;
  try {
    const lb = createBalancer({
      policy,
      peers: [...weights].map(([id, weight]) => ({ id, weight })),
      clock: new ManualClock(),
      random: new Prng(seed, 'balance/p2c'),
    });
    for (const id of down) lb.pool.markDown(id);
    const running: { id: string; until: number }[] = [];
    const sequence: (string | null)[] = [];
    for (let tick = 0; tick < picks; tick++) {
      // Requests whose hold is over complete before this tick's request arrives.
      for (let k = running.length - 1; k >= 0; k--) {
        const r = running[k] as { id: string; until: number };
        if (r.until <= tick) {
          lb.release(r.id, 'success');
          running.splice(k, 1);
        }
      }
      const id = lb.pick();
      sequence.push(id);
      if (id !== null) running.push({ id, until: tick + holdOf(id) });
    }
    const counts = Object.fromEntries(
      [...weights.keys()].map((id) => [id, sequence.filter((s) => s === id).length]),
    );
    return {
      policy,
      weights: Object.fromEntries(weights),
      picks,
      seed: policy === 'p2c' ? seed : null,
      hold: Object.fromEntries([...weights.keys()].map((id) => [id, holdOf(id)])),
      down,
      sequence,
      counts,
    };
  } catch (error) {
    if (error instanceof BalanceError) throw new UsageError(error.message);
    throw error;
  }
}

export async function balanceCommand(policy: Policy, flags: BalanceFlags): Promise<number> {
  const run = await runBalance(policy, flags);
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    return 0;
  }
  const ids = Object.keys(run.weights);
  const sep = ids.every((id) => id.length === 1) ? '' : ' ';
  const weights = ids.map((id) => `${id}=${run.weights[id]}`).join(' ');
  const counts = ids.map((id) => `${id} ${run.counts[id]}`).join('  ');
  const lines = [
    run.sequence.map((id) => id ?? '-').join(sep),
    `${run.policy}, weights ${weights}, ${run.picks} picks${run.seed === null ? '' : `, seed ${run.seed}`}`,
    `picked: ${counts}${run.sequence.includes(null) ? '  (- no peer available)' : ''}`,
  ];
  if (run.policy === 'least-conn' || run.policy === 'p2c')
    lines.push(
      `completion: one request per pick, each in flight for ${ids.map((id) => `${id}=${run.hold[id]}`).join(' ')} picks`,
    );
  if (run.down.length > 0) lines.push(`down: ${run.down.join(' ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
