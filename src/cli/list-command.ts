// `cohort sim list`: every listed algorithm with its summary, seed notes, options and named
// scenarios (or one JSON array). Loads the registry only, never the simulator.

import { listedAlgorithms } from '../algorithms/registry.js';
import { describeOptions } from './algorithm-options.js';
import { table } from './format.js';
import { EXIT_OK } from './usage-error.js';

export function listCommand(flags: { json?: boolean }): number {
  const list = listedAlgorithms();
  if (flags.json === true) {
    const rows = list.map((a) => ({
      name: a.name,
      family: a.family,
      summary: a.summary,
      seed: a.seed,
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  const rows = list.map((a) => [a.name, a.summary, a.seed]);
  process.stdout.write(`${table(['algorithm', 'summary', 'seed notes'], rows)}\n`);
  for (const a of list) {
    const extra = [
      ...describeOptions(a),
      ...a.scenarios.map((s) => `--scenario ${s.name}: ${s.description}`),
    ];
    if (extra.length > 0)
      process.stdout.write(`\n${a.name}\n${extra.map((l) => `  ${l}`).join('\n')}\n`);
  }
  return EXIT_OK;
}
