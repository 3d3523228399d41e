// The human tables of `cohort bench compute`: the word counters side by side (wall time,
// MB/s, the ratio to the single-process Node count, CPU, peak memory, agreement), the goal's
// verdict, and the stream's records/s and latency at each delivery guarantee; and its plot
// (--svg): MapReduce's seconds against its worker count beside the two baselines.

import { fmtNumber, table } from '../src/cli/format.js';
import { type LineSeries, linesSvg } from '../src/cli/svg-lines.js';
import type { ComputeBenchReport, WordCountRow } from './compute.js';

const COUNTERS: Record<WordCountRow['counter'], string> = {
  node: 'single-process Node',
  mapreduce: 'MapReduce',
  sort: 'tr | sort | uniq -c (LC_ALL=C)',
};

const orDash = (x: number | undefined, unit = '') =>
  x === undefined ? '—' : `${fmtNumber(x)}${unit}`;

export function computeBenchText(r: ComputeBenchReport): string {
  const rows = r.wordCount.map((w) => [
    COUNTERS[w.counter],
    w.counter === 'sort' ? '—' : String(w.workers),
    fmtNumber(w.wallMs),
    String(w.megabytesPerSecond),
    `${w.ratioToNode.toFixed(2)}×`,
    orDash(w.cpuMs),
    orDash(w.peakRssMegabytes),
    w.agrees ? 'yes' : 'NO',
  ]);
  const header = [
    'counter',
    'processes',
    'wall ms',
    'MB/s',
    'vs node',
    'CPU ms',
    'peak RSS MB',
    'exact',
  ];
  const goal = r.goal.ratios.map((g) => `${g.workers}: ${g.ratio.toFixed(2)}×`).join(', ');
  const streamRows = r.stream.map((s) => [
    s.delivery,
    fmtNumber(s.records),
    fmtNumber(s.recordsPerSecond),
    String(s.p50Ms),
    String(s.p99Ms),
    s.exact ? 'yes' : s.missing > 0 ? 'LOST WORDS' : 'over-counted',
  ]);
  const streamHeader = ['delivery', 'records', 'records/s', 'p50 ms', 'p99 ms', 'exact'];
  const lines = [
    `word count over a ${r.sizeMb} MB Zipf corpus (generated in ${fmtNumber(r.generateMs)} ms), ` +
      `${r.cpus} CPUs, fastest of ${r.repeats}; CPU and peak RSS cover every process of a run, ` +
      'this one included',
    table(header, rows),
    `goal: MapReduce within ${r.goal.target}× of the single-process count at every worker ` +
      `count (${goal}): ${r.goal.met ? 'met' : 'NOT met'}`,
    '',
    'stream: spout → split → count on 2 worker processes (latency: spout emit → tree complete)',
    table(streamHeader, streamRows),
  ];
  if (r.mismatches.length > 0) lines.push('', 'ANSWERS DIFFER:', ...r.mismatches);
  return lines.join('\n');
}

/**
 * Seconds against MapReduce's worker processes: wall time solid, CPU time dashed, one colour
 * per counter. The baselines take no worker count, so they are flat lines across the range;
 * the goal (1.3× the Node count's wall time) is the dashed red one.
 */
export function computeScalingSvg(r: ComputeBenchReport): string {
  const mapreduce = r.wordCount.filter((w) => w.counter === 'mapreduce');
  const xs = mapreduce.map((w) => w.workers as number);
  const [lo, hi] = [Math.min(...xs, 1), Math.max(...xs, 1)];
  const seconds = (ms: number) => Math.round(ms) / 1000;
  const flat = (label: string, colour: number, dashed: boolean, ms: number | undefined) =>
    ms === undefined
      ? []
      : [{ label, colour, dashed, points: [lo, hi].map((x) => ({ x, y: seconds(ms) })) }];
  const node = r.wordCount.find((w) => w.counter === 'node');
  const sort = r.wordCount.find((w) => w.counter === 'sort');
  const cpu = mapreduce.flatMap((w) =>
    w.cpuMs === undefined ? [] : [{ x: w.workers as number, y: seconds(w.cpuMs) }],
  );
  const series: LineSeries[] = [
    {
      label: 'MapReduce, wall',
      colour: 0,
      dashed: false,
      points: mapreduce.map((w) => ({
        x: w.workers as number,
        y: seconds(w.wallMs),
        tag: `${w.workers} workers, ${w.ratioToNode}× Node`,
      })),
    },
    ...(cpu.length === 0
      ? []
      : [{ label: 'MapReduce, CPU', colour: 0, dashed: true, points: cpu }]),
    ...flat('single-process Node, wall', 1, false, node?.wallMs),
    ...flat('single-process Node, CPU', 1, true, node?.cpuMs),
    ...flat('sort | uniq -c, wall', 2, false, sort?.wallMs),
    ...flat(`goal: ${r.goal.target}× Node's wall`, 3, true, node && node.wallMs * r.goal.target),
  ];
  return linesSvg(series, {
    title: `Word count over ${r.sizeMb} MB (${r.cpus} CPUs, fastest of ${r.repeats})`,
    xLabel: 'MapReduce worker processes (baselines: one process / their own)',
    yLabel: 'seconds (log scale)',
  });
}
