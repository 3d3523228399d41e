// The human table of `cohort bench partition`: one row per target, grouped by scheme, Cohort's
// rows first with their ratio to the fastest peer of the same scheme; then memory, movement
// and balance; then the goal — every Cohort scheme at least as fast as its fastest peer —
// checked scheme by scheme.

import { fmtNumber, table } from '../src/cli/format.js';
import type { PartitionBenchReport, PartitionBenchRow } from './partition.js';

const HEADER = [
  'scheme',
  'library',
  'variant',
  'lookups/s',
  '× fastest peer',
  'B/node',
  'B/point',
  'moved +1',
  'moved −1',
  'max/mean',
  'sd/mean',
];

const pct = (x: number | null) => (x === null ? '' : `${(100 * x).toFixed(2)}%`);
const fixed = (x: number | null, digits: number) => (x === null ? '' : x.toFixed(digits));

function row(r: PartitionBenchRow): string[] {
  return [
    r.scheme,
    r.library === 'cohort' ? 'cohort' : `  ${r.library} ${r.version}`,
    r.variant,
    fmtNumber(r.lookupsPerSecond),
    r.vsFastestPeer === null ? '' : `${r.vsFastestPeer.toFixed(2)}× ${r.fastestPeer}`,
    fmtNumber(r.bytesPerNode),
    r.bytesPerPoint === null ? '' : `${r.bytesPerPoint} (${r.pointsPerNode}/node)`,
    pct(r.movedOnAdd),
    pct(r.movedOnRemove),
    fixed(r.maxOverMean, 3),
    fixed(r.stddevOverMean, 3),
  ];
}

/** Per scheme with peers: Cohort's fastest row against the fastest peer. */
export function partitionGoal(report: PartitionBenchReport) {
  const schemes = [...new Set(report.rows.map((r) => r.scheme))];
  return schemes.flatMap((scheme) => {
    const rows = report.rows.filter((r) => r.scheme === scheme);
    const best = (cohort: boolean) =>
      rows
        .filter((r) => (r.library === 'cohort') === cohort)
        .sort((a, b) => b.lookupsPerSecond - a.lookupsPerSecond)[0];
    const ours = best(true);
    const peer = best(false);
    if (ours === undefined || peer === undefined) return [];
    return [{ scheme, cohort: ours, peer, met: ours.lookupsPerSecond >= peer.lookupsPerSecond }];
  });
}

export function partitionBenchText(report: PartitionBenchReport): string {
  const goal = partitionGoal(report)
    .map(
      (g) =>
        `  ${g.scheme}: cohort (${g.cohort.variant}) ${fmtNumber(g.cohort.lookupsPerSecond)}/s ` +
        `vs ${g.peer.library} ${fmtNumber(g.peer.lookupsPerSecond)}/s — ${g.met ? 'met' : 'NOT met'}`,
    )
    .join('\n');
  return (
    `partition lookups: ${report.nodes} nodes, ${fmtNumber(report.keys)} distinct keys, ` +
    `${report.durationMs} ms per run, median of ${report.repeats} (node ${report.node})\n` +
    `${table(HEADER, report.rows.map(row))}\n` +
    `B/node, B/point: heap + ArrayBuffer bytes kept by a ring of ${fmtNumber(report.memoryNodes)} ` +
    'nodes, after a full GC. moved +1 / −1: keys whose node changed when a node was added / the ' +
    'last removed (ideal: 1/(N+1) and 1/N). max/mean, sd/mean: keys per node before the change.\n' +
    `goal — the fastest lookup of any peer, per scheme:\n${goal}`
  );
}
