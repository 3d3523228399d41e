// Trace fingerprints, the evidence that a refactoring changed no behaviour (issue 15): for
// every listed algorithm (or the ones named), its default run, every scenario and 8 random
// fault plans, each printed as `name | run | traceHash jsonHash`. Storage faults are left out
// of the random plans: a step that stops writing redundantly moves where one fires.
//
//   npx tsx scripts/trace-fingerprint.ts > before.txt      # on the old tree
//   npx tsx scripts/trace-fingerprint.ts > after.txt       # on the new tree; diff them

import { createHash } from 'node:crypto';
import { findAlgorithm, listedAlgorithms } from '../src/algorithms/registry.js';
import type { AnyAlgorithm } from '../src/core/algorithm.js';
import { formatFaultPlan } from '../src/sim/fault-plan.js';
import { randomFaultPlan } from '../src/sim/fuzz.js';
import { defaultNodes, type RunOptions, resolveOptions, simulate } from '../src/sim/run.js';

function runsOf(spec: AnyAlgorithm): { label: string; run: RunOptions }[] {
  const runs: { label: string; run: RunOptions }[] = [{ label: 'default', run: {} }];
  for (const sc of spec.scenarios) {
    runs.push({
      label: `scenario ${sc.name}`,
      run: {
        faults: sc.faults,
        ...(sc.nodes !== undefined && { nodes: sc.nodes }),
        ...(sc.durationMs !== undefined && { durationMs: sc.durationMs }),
        ...(sc.options !== undefined && { options: sc.options }),
      },
    });
  }
  const nodes = defaultNodes(spec, {});
  const model = spec.faultModel?.(resolveOptions(spec, {}));
  for (let seed = 1; seed <= 8; seed++) {
    const plan = randomFaultPlan(seed, nodes, Math.floor(spec.durationMs * 0.6), model);
    const faults = formatFaultPlan({ faults: plan.faults.filter((f) => f.kind !== 'disk') });
    runs.push({ label: `random seed ${seed}`, run: { seed, nodes, faults } });
  }
  return runs;
}

const names = process.argv.slice(2);
const specs =
  names.length === 0
    ? listedAlgorithms()
    : names.map((name) => {
        const spec = findAlgorithm(name);
        if (spec === undefined) throw new Error(`no algorithm ${name}`);
        return spec;
      });
for (const spec of specs) {
  for (const { label, run } of runsOf(spec)) {
    const { result } = simulate(spec, run);
    const json = createHash('sha256').update(JSON.stringify(result)).digest('hex').slice(0, 16);
    process.stdout.write(`${spec.name} | ${label} | ${result.traceHash} ${json}\n`);
  }
}
