// The human table of `cohort bench locks`: one row per server, implementation, workload and
// concurrency (Cohort's rows first in each block, its peers below, with Cohort's ratio to
// the best peer); then what was skipped and why, the runs with errors, and — loudly — any
// mutual-exclusion violation (such a row measures a broken lock).

import { fmtNumber, table } from '../src/cli/format.js';
import type { LocksBenchReport, LocksBenchRun } from './locks.js';

const HEADER = [
  'server',
  'implementation',
  'workload',
  'conc.',
  'ops/s',
  'p50 / p99 ms',
  '× best peer',
  'grants/waiter',
  'errors',
  'overlaps',
];

function row(r: LocksBenchRun): string[] {
  return [
    r.server,
    r.peer ? `  ${r.implementation}` : r.implementation,
    r.workload,
    String(r.concurrency),
    fmtNumber(r.opsPerSecond),
    `${r.p50Ms} / ${r.p99Ms}`,
    r.vsBestPeer === undefined ? (r.peer ? '' : '—') : `${r.vsBestPeer.toFixed(2)}×`,
    r.grantsMin === undefined ? '' : `${r.grantsMin}–${r.grantsMax}`,
    String(r.errors),
    String(r.violations),
  ];
}

/** Blocks of one server and configuration, Cohort's rows before the peers'. */
function ordered(runs: readonly LocksBenchRun[]): LocksBenchRun[] {
  const blocks = new Map<string, LocksBenchRun[]>();
  for (const r of runs) {
    const key = `${r.server}|${r.workload}|${r.concurrency}`;
    blocks.set(key, [...(blocks.get(key) ?? []), r]);
  }
  return [...blocks.values()].flatMap((b) => [
    ...b.filter((r) => !r.peer),
    ...b.filter((r) => r.peer),
  ]);
}

export function locksBenchText(report: LocksBenchReport): string {
  const runs = ordered(report.runs);
  const notes = [
    ...report.skipped.map((s) => `skipped: ${s.what}: ${s.reason}`),
    ...report.runs
      .filter((r) => r.errors > 0)
      .map(
        (r) =>
          `${r.implementation} on ${r.server}, ${r.workload} at ${r.concurrency}: ` +
          `${r.errors} failed acquires/releases (first: ${r.firstError})`,
      ),
    ...report.runs
      .filter((r) => r.violations > 0)
      .map(
        (r) =>
          `MUTUAL EXCLUSION VIOLATED: ${r.implementation} on ${r.server}, ${r.workload} at ` +
          `${r.concurrency}: ${r.violations} critical sections entered while held`,
      ),
  ];
  return [
    `lock acquire → release, ${report.repeats} × ${report.durationMs} ms per configuration ` +
      '(ops/s: the median; latencies pooled; availability: acquires/releases that succeeded); every lock exclusive, TTL 10 s',
    table(HEADER, runs.map(row)),
    `uncontended: each worker cycles over its own slice of ${fmtNumber(report.names)} names; ` +
      'an op is one acquire + release, latency the whole cycle.\n' +
      `hot-lock: ${report.hotLockWaiters} waiters on one name; an op is one hand-off, latency ` +
      "from the holder's release call to the next holder's grant; grants/waiter: the fewest " +
      'and most one waiter got in a repetition (even = fair).\n' +
      '× best peer: ops/s ÷ the best peer’s on the same server. overlaps: critical sections ' +
      'entered while another holder was inside (mutual exclusion, checked during the run).',
    ...notes,
  ].join('\n');
}
