// The human table of `cohort bench limits`: one block per store (in process, then Redis),
// one row per limiter and concurrency, with the median run's decisions per second, its ratio
// to the best other library's in the same store and concurrency, and the accuracy (admitted
// ÷ allowed: the median run's, with the range over all runs when they differ). Then the goal
// — at least the other libraries' throughput with exact accuracy — checked row by row.

import { fmtNumber, table } from '../src/cli/format.js';
import type { LimitsBenchReport, LimitsBenchRow } from './limits.js';

const HEADER = ['store', 'limiter', 'conc.', 'decisions/s', '× best other', 'admitted/allowed'];

function accuracyText(r: LimitsBenchRow): string {
  const run = r.runs.find((x) => x.accuracy === r.accuracy);
  const counts = run === undefined ? '' : ` (${run.admitted}/${run.allowed})`;
  const exact = r.exact ? ' exact' : '';
  const range =
    r.accuracyMin === r.accuracyMax
      ? ''
      : ` [${r.accuracyMin.toFixed(3)}–${r.accuracyMax.toFixed(3)}]`;
  return `${r.accuracy.toFixed(3)}${counts}${range}${exact}`;
}

/** The best decisions/s among the other libraries' rows of the same store and concurrency. */
function bestOther(rows: readonly LimitsBenchRow[], r: LimitsBenchRow): number | undefined {
  const others = rows.filter(
    (x) => x.library !== 'cohort' && x.store === r.store && x.concurrency === r.concurrency,
  );
  return others.length === 0 ? undefined : Math.max(...others.map((x) => x.decisionsPerSecond));
}

export function limitsBenchText(report: LimitsBenchReport): string {
  const rows = report.rows;
  const sorted = [...rows].sort((a, b) =>
    a.store === b.store ? 0 : a.store === 'memory' ? -1 : 1,
  );
  const lines = sorted.map((r) => {
    const best = r.library === 'cohort' ? bestOther(rows, r) : undefined;
    return [
      r.store === 'memory' ? 'in process' : 'redis',
      r.library === 'cohort' ? r.target : `  ${r.target}`,
      String(r.concurrency),
      fmtNumber(r.decisionsPerSecond),
      best === undefined ? '' : `${(r.decisionsPerSecond / best).toFixed(2)}×`,
      accuracyText(r),
    ];
  });
  const cohort = rows.filter((r) => r.library === 'cohort');
  const slower = cohort.filter((r) => r.decisionsPerSecond < (bestOther(rows, r) ?? 0));
  const inexact = cohort.filter((r) => !r.exact);
  const goal =
    slower.length === 0 && inexact.length === 0
      ? 'goal met: every Cohort limiter at least as fast as the best other library in its store ' +
        'and concurrency, every run exact'
      : `goal NOT met: ${slower.length} Cohort rows slower than the best other library, ` +
        `${inexact.length} not exact (${[...slower, ...inexact].map((r) => `${r.target} ×${r.concurrency}`).join(', ')})`;
  const { limit, windowMs } = report.policy;
  return (
    `one hot key, ${limit} per ${windowMs} ms, ${fmtNumber(report.durationMs)} ms per run, ` +
    `median of ${report.repeats} runs; Redis: ${report.redis}, ${report.connections} connections ` +
    `shared by all libraries; node ${report.node}\n` +
    `${table(HEADER, lines)}\n${goal}`
  );
}
