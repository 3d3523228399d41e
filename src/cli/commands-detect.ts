// `cohort detect`: the failure detectors' trade-off, measured in the simulator. For each
// setting of loss and delay jitter it runs detect/heartbeat with a fixed timeout at each of
// --timeouts and with φ accrual at each of --thresholds, and prints detection time (crash →
// every live node suspects it) against false suspicions (mistakes per monitored pair per
// minute, and the share of time a live peer is wrongly suspected). --svg draws the
// trade-off curves, one line per detector and setting; --json prints one document.
// The sweep (detect-sweep.ts) and the simulator load only when the command runs.

import type { Command } from 'commander';
import type { SweepSetting } from './detect-sweep.js';
import { parseInteger } from './parse-flags.js';
import { type Exit, UsageError } from './usage-error.js';

const DETECT_HELP = `
Every run: --nodes nodes heartbeat every --interval-ms; the last node crashes for 1.5 s every
4 s from 3 s on; loss and jitter hold for the whole run (links without jitter: 1..10 ms).
Points pool --seeds runs each. Settings are every --loss with every --jitter.

  detection ms      mean (and max) time from a crash until every live node suspects it
  mistakes/pair-min false suspicions of live nodes per monitored pair per minute (λ_M)
  wrong %           share of live pair-time spent wrongly suspecting (1 − P_A)

Examples:
  cohort detect
  cohort detect --svg docs/failure-detection.svg
  cohort detect --loss 0,0.05 --jitter 1..10,1..200,20..400@1-2 --seeds 3
  cohort detect --loss 0.1 --jitter 1..50 --timeouts 200,400 --thresholds 2,8 --json`;

interface DetectFlags {
  nodes: string;
  intervalMs: string;
  duration: string;
  seeds: string;
  loss: string;
  jitter: string;
  timeouts: string;
  thresholds: string;
  svg?: string;
  json?: boolean;
}

export function detectCommandDef(root: Command, exit: Exit): void {
  root
    .command('detect')
    .description('failure detectors: detection time vs false suspicions, fixed timeout vs φ')
    .option('--nodes <n>', 'cluster size', '5')
    .option('--interval-ms <ms>', 'heartbeat interval', '100')
    .option('--duration <ms>', 'virtual time per run', '30000')
    .option('--seeds <n>', 'runs per point (seeds 1..n)', '2')
    .option('--loss <list>', 'message loss rates to sweep: fractions or percentages', '0,0.1')
    .option(
      '--jitter <list>',
      'latency ranges to sweep, ms: A..B on every link, A..B@X-Y on the X–Y link only',
      '1..10,1..200,20..400@1-2',
    )
    .option('--timeouts <list>', 'fixed detector timeouts, ms', '150,200,300,400,600,1000')
    .option('--thresholds <list>', 'φ thresholds', '1,2,4,8,12,16')
    .option('--svg <file>', 'write the trade-off plot here')
    .option('--json', 'print one JSON document')
    .addHelpText('after', DETECT_HELP)
    .action(async (flags: DetectFlags) => exit(await detectCommand(flags)));
}

function listOf(flag: string, raw: string): string[] {
  const items = raw.split(',').map((x) => x.trim());
  if (items.some((x) => x === '')) throw new UsageError(`${flag}: empty item in '${raw}'`);
  return items;
}

function parseLoss(item: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(item);
  const v = m === null ? Number.NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!(v >= 0 && v < 1)) throw new UsageError(`--loss: '${item}' is not a rate in [0, 1)`);
  return v;
}

/** `A..B` (every link) or `A..B@X-Y` (only the link between X and Y). */
function parseJitter(item: string, nodes: number): Pick<SweepSetting, 'delayMs' | 'link'> {
  const m = /^(\d+)\.\.(\d+)(?:@(\d+)-(\d+))?$/.exec(item);
  const [a, b] = m === null ? [Number.NaN, Number.NaN] : [Number(m[1]), Number(m[2])];
  if (!(a >= 0 && b >= a && b <= 600_000))
    throw new UsageError(`--jitter: '${item}' is not A..B or A..B@X-Y with 0 ≤ A ≤ B ≤ 600000`);
  if (m?.[3] === undefined) return { delayMs: [a, b], link: null };
  const [x, y] = [Number(m[3]), Number(m[4])];
  if (!(x >= 1 && y >= 1 && x <= nodes && y <= nodes && x !== y))
    throw new UsageError(`--jitter: '${item}' names a link outside nodes 1..${nodes}`);
  return { delayMs: [a, b], link: [x, y] };
}

export async function detectCommand(flags: DetectFlags): Promise<number> {
  const { MIN_SWEEP_DURATION_MS, runDetectSweep } = await import('./detect-sweep.js');
  const { progress } = await import('./format.js');
  const ints = (flag: string, raw: string, min: number, max: number) =>
    listOf(flag, raw).map((x) => parseInteger(flag, x, min, max) as number);
  const nodes = parseInteger('--nodes', flags.nodes, 2, 64) as number;
  const config = {
    nodes,
    intervalMs: parseInteger('--interval-ms', flags.intervalMs, 5, 10_000) as number,
    durationMs: parseInteger(
      '--duration',
      flags.duration,
      MIN_SWEEP_DURATION_MS,
      3_600_000,
    ) as number,
    seeds: parseInteger('--seeds', flags.seeds, 1, 1000) as number,
    settings: listOf('--loss', flags.loss).flatMap((l) =>
      listOf('--jitter', flags.jitter).map((j) => ({
        loss: parseLoss(l),
        ...parseJitter(j, nodes),
      })),
    ),
    timeoutsMs: ints('--timeouts', flags.timeouts, 1, 600_000),
    thresholds: ints('--thresholds', flags.thresholds, 1, 300),
  };
  const bar = progress();
  const settings = runDetectSweep(config, (done, total) => bar.update(`point ${done}/${total}`));
  bar.done();
  const svg = flags.svg === undefined ? null : await writePlot(flags.svg, config, settings);
  const { settings: _, ...rest } = config;
  const report = { ...rest, settings, svg };
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${await reportText(report)}\n`);
  return 0;
}

type Report = Awaited<ReturnType<typeof import('./detect-sweep.js').runDetectSweep>>;

const settingLabel = (s: Report[number]) =>
  `loss ${+(s.loss * 100).toFixed(2)}%, delay ${s.delayMs[0]}..${s.delayMs[1]} ms` +
  (s.link === null ? '' : ` on link ${s.link[0]}-${s.link[1]}`);

/** `loss 10%, 20..400 ms @1-2`, for the plot's legend. */
const shortLabel = (s: Report[number]) =>
  `loss ${+(s.loss * 100).toFixed(2)}%, ${s.delayMs[0]}..${s.delayMs[1]} ms` +
  (s.link === null ? '' : ` @${s.link[0]}-${s.link[1]}`);

async function reportText(report: {
  nodes: number;
  intervalMs: number;
  durationMs: number;
  seeds: number;
  settings: Report;
  svg: string | null;
}): Promise<string> {
  const { table } = await import('./format.js');
  const header = ['detector', 'detected', 'detection ms', 'max', 'mistakes/pair-min', 'wrong %'];
  const blocks = report.settings.map((s) => {
    const rows = s.points.map((p) => [
      p.detector === 'fixed' ? `fixed ${p.parameter} ms` : `φ ${p.parameter}`,
      `${p.detected}/${p.crashes}`,
      p.detectionMsMean === null ? '-' : String(p.detectionMsMean),
      p.detectionMsMax === null ? '-' : String(p.detectionMsMax),
      String(p.mistakesPerPairMinute),
      String(p.wrongSuspicionPct),
    ]);
    return `${settingLabel(s)}\n${table(header, rows)}`;
  });
  const head =
    `detect/heartbeat, ${report.nodes} nodes, heartbeat every ${report.intervalMs} ms, ` +
    `${report.seeds} × ${report.durationMs / 1000} s per point`;
  const tail = report.svg === null ? [] : [`plot written to ${report.svg}`];
  return [head, ...blocks, ...tail].join('\n\n');
}

async function writePlot(
  file: string,
  config: { nodes: number; intervalMs: number },
  settings: Report,
): Promise<string> {
  const { writeFileSync } = await import('node:fs');
  const { linesSvg } = await import('./svg-lines.js');
  const series = settings.flatMap((s, i) =>
    (['fixed', 'phi'] as const).map((detector) => ({
      label: `${detector === 'fixed' ? 'fixed' : 'φ'}: ${shortLabel(s)}`,
      colour: i,
      dashed: detector === 'fixed',
      points: s.points
        .filter((p) => p.detector === detector && p.detectionMsMean !== null)
        .map((p) => ({
          x: p.detectionMsMean as number,
          y: p.mistakesPerPairMinute,
          tag: detector === 'fixed' ? `timeout ${p.parameter} ms` : `Φ = ${p.parameter}`,
        })),
    })),
  );
  const svg = linesSvg(series, {
    title: `Failure detectors: detection time vs false suspicions (${config.nodes} nodes, heartbeat ${config.intervalMs} ms)`,
    xLabel: 'mean detection time, ms (crash → every live node suspects it)',
    yLabel: 'false suspicions per pair-minute',
  });
  try {
    writeFileSync(file, svg);
  } catch (error) {
    throw new UsageError(`--svg: cannot write ${file}: ${(error as Error).message}`);
  }
  return file;
}
