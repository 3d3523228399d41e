// Writes a generated client history as Cohort JSON lines, to measure the linearizability
// checker on histories of any size with the CLI:
//
//   npx tsx bench/linearizability-history.ts --ops 10000 --model kv > /tmp/h.jsonl
//   npx tsx src/cli/main.ts check linearizability /tmp/h.jsonl --model kv
//
// The history is a sequential execution stretched into overlapping intervals (so it is
// linearizable), with `--stale` a read of an overwritten value appended (so it is not).

import { parseArgs } from 'node:util';
import { generateHistory, withStaleRead } from '../src/sim/linearizability/generate.js';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '10000' },
    model: { type: 'string', default: 'register' },
    processes: { type: 'string', default: '5' },
    values: { type: 'string', default: '5' },
    keys: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    stale: { type: 'boolean', default: false },
  },
});

const model = values.model === 'kv' ? 'kv' : 'register';
let history = generateHistory({
  seed: Number(values.seed),
  operations: Number(values.ops),
  model,
  processes: Number(values.processes),
  values: Number(values.values),
  keys: Number(values.keys),
});
if (values.stale) {
  const stale = withStaleRead(history);
  if (stale === undefined) {
    process.stderr.write('no write was overwritten by a later one; try --values 0\n');
    process.exit(2);
  }
  history = stale;
}
process.stdout.write(`${history.events.map((e) => JSON.stringify(e)).join('\n')}\n`);
