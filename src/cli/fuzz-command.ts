// `cohort fuzz <algorithm> --seeds N`: random fault plans, shrunk failures, replay commands.

import { fuzz } from '../sim/fuzz.js';
import { parseAlgorithmOptions, resolveAlgorithm } from './algorithm-options.js';
import { fmtNumber, progress } from './format.js';
import { parseInteger, parseNodes } from './parse-flags.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from './usage-error.js';

export interface FuzzFlags {
  readonly seeds?: string;
  readonly nodes?: string;
  readonly seed?: string;
  readonly shrink?: boolean;
  readonly json?: boolean;
}

export function fuzzCommand(name: string, flags: FuzzFlags, rest: readonly string[]): number {
  const spec = resolveAlgorithm(name);
  const runs = parseInteger('--seeds', flags.seeds, 1, 10_000_000) ?? 100;
  const nodes = parseNodes(spec, flags.nodes);
  const seed = parseInteger('--seed', flags.seed, 0, 2 ** 31 - 1) ?? 1;
  const options = parseAlgorithmOptions(spec, rest);
  const bar = progress();
  const started = performance.now();
  const report = fuzz(spec, {
    runs,
    seed,
    options,
    shrink: flags.shrink !== false,
    onProgress: (done) => bar.update(`fuzz ${spec.name}: ${fmtNumber(done)} runs…`),
    ...(nodes !== undefined && { nodes }),
  });
  bar.done();
  const seconds = (performance.now() - started) / 1000;
  const output = {
    algorithm: report.algorithm,
    runs: report.runs,
    failures: report.failures,
    runsPerSecond: Math.round((report.runs / Math.max(seconds, 1e-6)) * 10) / 10,
    ok: report.failures.length === 0,
  };
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } else {
    const lines = [
      `${spec.name}: ${fmtNumber(output.runs)} runs, ${fmtNumber(output.runsPerSecond)} runs/s`,
    ];
    for (const f of report.failures) {
      lines.push(
        `✗ ${f.check}: ${f.violation}`,
        `  seed ${f.seed}, faults: ${f.faults || 'none'}`,
        `  replay: ${f.replay}`,
      );
    }
    lines.push(output.ok ? 'no failures' : 'FAILED');
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return output.ok ? EXIT_OK : EXIT_CHECK_FAILED;
}
