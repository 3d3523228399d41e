// The human tables of `cohort bench compute`: the word counters side by side (wall time,
// MB/s, the ratio to the single-process Node count, CPU, peak memory, agreement), the goal's
// verdict, and the stream's records/s and latency at each delivery guarantee.

import { fmtNumber, table } from '../src/cli/format.js';
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
