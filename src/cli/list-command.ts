// `cohort sim list`: every listed algorithm with its summary, seed notes, options and named
// scenarios (or one JSON array). Reads sim-listing.ts: from source that loads the registry
// (never the simulator); in the bundled CLI it is data generated at build time.

import { table } from './format.js';
import { simListing } from './sim-listing.js';
import { EXIT_OK } from './usage-error.js';

export function listCommand(flags: { json?: boolean }): number {
  const list = simListing();
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
  for (const a of list)
    if (a.details.length > 0)
      process.stdout.write(`\n${a.name}\n${a.details.map((l) => `  ${l}`).join('\n')}\n`);
  return EXIT_OK;
}
