// `cohort tour` (what `npm start` runs until the Lab exists): every registered algorithm
// simulated with its default options, one line each.

import { listedAlgorithms } from '../algorithms/registry.js';
import { simulate } from '../sim/run.js';
import { fmtNumber, mark, table } from './format.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from './usage-error.js';

export function tourCommand(flags: { json?: boolean }): number {
  const results = listedAlgorithms().map((spec) => simulate(spec).result);
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const rows = results.map((r) => {
      const held = r.invariants.filter((c) => c.holds).length;
      return [
        r.algorithm,
        String(r.nodes),
        fmtNumber(r.messages.sent),
        `${mark(held === r.invariants.length)} ${held}/${r.invariants.length}`,
        mark(r.liveness.every((c) => c.holds)),
        r.traceHash,
      ];
    });
    process.stdout.write(
      [
        'Cohort — a tour of every registered algorithm, simulated with default options (seed 1).',
        '',
        table(['algorithm', 'nodes', 'messages', 'invariants held', 'liveness', 'trace'], rows),
        '',
        'Next: cohort sim list · cohort sim clock/vector --faults "partition 1,2|3,4,5 @0..600" · cohort fuzz clock/lamport --seeds 200',
        '',
      ].join('\n'),
    );
  }
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_CHECK_FAILED;
}
