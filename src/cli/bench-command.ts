// `cohort bench <what>`: benchmarks (never timing thresholds in tests; figures go to README).

import { benchSim } from '../../bench/sim.js';
import { fmtNumber, progress, table } from './format.js';
import { parseInteger } from './sim-command.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export async function benchCommand(
  what: string,
  flags: { json?: boolean; repeats?: string },
): Promise<number> {
  if (what !== 'sim') throw new UsageError(`unknown benchmark '${what}' (available: sim)`);
  const repeats = parseInteger('--repeats', flags.repeats, 1, 100) ?? 3;
  const bar = progress();
  const report = benchSim({ repeats, onProgress: (t) => bar.update(t) });
  bar.done();
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT_OK;
  }
  const rows = [
    ['off', fmtNumber(report.deliveriesPerSecond)],
    ['hash (every cohort sim run)', fmtNumber(report.deliveriesPerSecondHashed)],
    ['full (cohort sim --trace)', fmtNumber(report.deliveriesPerSecondTraced)],
  ];
  process.stdout.write(
    `simulated deliveries per wall-clock second, ${report.nodes}-node message flood, best of ${repeats}\n` +
      `${table(['tracing', 'deliveries/s'], rows)}\n` +
      `target ≥ ${fmtNumber(report.targetDeliveriesPerSecond)}/s with tracing off: ${report.meetsTarget ? 'met' : 'NOT met'}\n`,
  );
  return EXIT_OK;
}
