// The human table of `cohort bench txn`: one row per concurrency and protocol (the local
// transaction first in each block, the others with their ratios to it), the goal's verdict,
// what each column means, and — loudly — anything the audit found or a protocol skipped.

import { fmtNumber, table } from '../src/cli/format.js';
import type { TxnBenchGoal, TxnBenchReport, TxnBenchRun } from './txn.js';

const HEADER = [
  'conc.',
  'protocol',
  'transfers/s',
  'p50 ms',
  'p99 ms',
  'lock hold p50 / p99 ms',
  'fsyncs/transfer (a + b + log)',
  'CPU ms/transfer (client + servers)',
  '× local tps',
  '× local p50',
  'errors',
];

const NAMES: Record<TxnBenchRun['protocol'], string> = {
  local: 'local transaction (1 db)',
  xa: 'XA 2PC (2 servers)',
  'xa-lr': 'XA 2PC, last resource',
  'xa-1srv': 'XA 2PC (2 dbs, 1 server)',
  'xa-lr-1srv': 'XA 2PC, last resource (2 dbs, 1 server)',
  tcc: 'TCC',
  saga: 'saga',
};

const times = (x: number | undefined) => (x === undefined ? '' : `${x.toFixed(2)}×`);

function row(r: TxnBenchRun): string[] {
  const f = r.fsyncsPerTransfer;
  return [
    String(r.concurrency),
    NAMES[r.protocol],
    fmtNumber(r.transfersPerSecond),
    fmtNumber(r.p50Ms),
    fmtNumber(r.p99Ms),
    `${fmtNumber(r.lockHoldP50Ms)} / ${fmtNumber(r.lockHoldP99Ms)}`,
    `${f.total.toFixed(2)} (${f.serverA.toFixed(2)} + ${f.serverB.toFixed(2)} + ${f.log.toFixed(2)})`,
    `${r.cpuMsPerTransfer.client.toFixed(2)} + ${r.cpuMsPerTransfer.servers?.toFixed(2) ?? '?'}`,
    times(r.vsLocal?.throughput),
    times(r.vsLocal?.p50),
    String(r.errors),
  ];
}

function goalText(g: TxnBenchGoal): string {
  const xa = NAMES[g.protocol];
  const parts = [
    g.latencyRatioAt1 === undefined
      ? 'p50 at concurrency 1: not measured'
      : `p50 at concurrency 1: ${g.latencyRatioAt1.toFixed(2)}× local (goal ≤ ${g.latencyRatioTarget}×)`,
    g.throughputRatioAt64 === undefined
      ? 'throughput at 64: not measured'
      : `local ÷ its transfers/s at 64: ${g.throughputRatioAt64.toFixed(2)}× (goal ≤ ${g.throughputRatioTarget}×)`,
  ];
  const verdict = g.met === undefined ? 'not checked' : g.met ? 'met' : 'NOT met';
  return `goal, ${xa}: ${parts.join('; ')}: ${verdict}`;
}

/** The outbox's lines: what the relay adds to a raw publish, and where its time goes. */
function outboxText(report: TxnBenchReport): string[] {
  const o = report.outbox;
  if (o === undefined) return [];
  const ms = (x: { p50Ms: number; p99Ms: number }) =>
    `${fmtNumber(x.p50Ms)} / ${fmtNumber(x.p99Ms)}`;
  const rows = [
    ['raw RabbitMQ: publish → consumed', ms(o.raw)],
    ['raw RabbitMQ: publish → confirm', ms(o.rawConfirm)],
    ['outbox: COMMIT sent → relay has the row', ms(o.claimed)],
    ['outbox: COMMIT answered → relay has the row', ms(o.claimedAfterCommit)],
    ['outbox: COMMIT sent → consumed', ms(o.relay)],
    ['outbox: COMMIT answered → consumed', ms(o.relayAfterCommit)],
  ];
  const verdict = o.addedP50Ms <= o.rawConfirm.p50Ms ? 'met' : 'NOT met';
  return [
    `outbox relay, ${o.samples} messages one at a time, interleaved with raw publishes ` +
      '(p50 / p99 ms):',
    table(['path', 'p50 / p99 ms'], rows),
    `goal: the relay adds ${fmtNumber(o.addedP50Ms)} ms at p50 (COMMIT answered → consumed, ` +
      `less raw publish → consumed); one broker round trip (publish → confirm) is ` +
      `${fmtNumber(o.rawConfirm.p50Ms)} ms: ${verdict}`,
    `two relays: ${o.fastPath} of ${o.samples} published from their NOTIFY payload (the fast ` +
      `path), ${o.duplicates} delivered twice`,
  ];
}

/** Transactional messages on cohort broker against the local transaction and a publish. */
function txMessagesText(report: TxnBenchReport): string[] {
  const m = report.txMessages;
  if (m === undefined) return [];
  const ms = (x: { p50Ms: number; p99Ms: number }) =>
    `${fmtNumber(x.p50Ms)} / ${fmtNumber(x.p99Ms)}`;
  const rows = [
    ['the local transaction alone (BEGIN, INSERT, COMMIT)', ms(m.local)],
    ['plain publish → acknowledged (durable)', ms(m.publish)],
    ['plain publish → consumed', ms(m.publishToConsumed)],
    ['send(): half + local transaction + report', ms(m.send)],
    ['send() → consumed', ms(m.sendToConsumed)],
  ];
  return [
    `transactional messages on cohort broker (in-process, fsync on), ${m.samples} one at a ` +
      'time, interleaved:',
    table(['path', 'p50 / p99 ms'], rows),
  ];
}

export function txnBenchText(report: TxnBenchReport): string {
  const notes = [
    ...report.skipped.map((s) => `skipped: ${s.what}: ${s.reason}`),
    ...report.runs
      .filter((r) => r.errors > 0)
      .map(
        (r) =>
          `${r.protocol} at ${r.concurrency}: ${r.errors} failed transfers (first: ${r.firstError})`,
      ),
    ...report.problems.map((p) => `AUDIT FAILED: ${p}`),
  ];
  return [
    `bank transfers, ${report.repeats} × ${report.durationMs} ms per protocol and concurrency ` +
      '(transfers/s: the median; latencies pooled)',
    `setup: ${report.setup}`,
    table(HEADER, report.runs.map(row)),
    ...report.goals.map(goalText),
    'lock hold: from the first UPDATE to the answer of the COMMIT that releases the rows ' +
      "(XA: the last COMMIT PREPARED, its first branch's BEGIN included; TCC and saga: the " +
      'longest of their short local transactions).\n' +
      'fsyncs: pg_stat_wal.wal_sync deltas of servers a and b (background writers included) ' +
      "and the coordinator log's own, per transfer (-1srv: both databases' are server a's). CPU: this process's (client and " +
      "coordinator) + both PostgreSQL servers' (all their processes), per transfer.",
    ...outboxText(report),
    ...txMessagesText(report),
    ...notes,
  ].join('\n');
}
