// The human tables of `cohort bench comm`: one block per workload. Broker: one row per
// system, size and producer concurrency with the median runs' produce and consume messages
// per second, produce p50/p99, the server's CPU (ms per second of the run, µs per message)
// and RSS; Cohort's rows carry their ratio to the best peer, and the goal — at least
// RabbitMQ's and NATS JetStream's durable throughput with p99 no worse — is checked row by
// row at the end.

import { fmtNumber, table } from '../src/cli/format.js';
import type { CommBenchReport } from './comm.js';
import type { BrokerBenchReport, BrokerBenchRow } from './comm-broker.js';
import { rpcBenchText } from './comm-rpc.js';

const HEADER = [
  'system',
  'size',
  'conc.',
  'produce msg/s',
  '× best peer',
  'p50 / p99 ms',
  'consume msg/s',
  '× best peer',
  'server CPU ms/s (µs/msg) prod | cons',
  'RSS MB',
];

const peersOf = (rows: readonly BrokerBenchRow[], r: BrokerBenchRow) =>
  rows.filter(
    (x) =>
      x.system !== 'cohort' && x.messageBytes === r.messageBytes && x.concurrency === r.concurrency,
  );

function ratio(r: BrokerBenchRow, peers: readonly BrokerBenchRow[], phase: 'produce' | 'consume') {
  if (r.system !== 'cohort' || peers.length === 0) return '';
  const best = Math.max(...peers.map((p) => p[phase].messagesPerSecond));
  return `${(r[phase].messagesPerSecond / best).toFixed(2)}×`;
}

function brokerText(report: BrokerBenchReport): string {
  const rows = report.rows;
  const lines = rows.map((r) => {
    const peers = peersOf(rows, r);
    const cpu = (p: BrokerBenchRow['produce']) =>
      `${fmtNumber(p.serverCpuMsPerSecond)} (${p.serverCpuMicrosPerMessage})`;
    const errors = r.produce.errors + r.consume.errors;
    return [
      r.system === 'cohort' ? 'cohort' : `  ${r.system}`,
      r.messageBytes >= 1024 ? `${r.messageBytes / 1024} KiB` : `${r.messageBytes} B`,
      String(r.concurrency),
      fmtNumber(r.produce.messagesPerSecond) + (errors > 0 ? ` (${errors} errors)` : ''),
      ratio(r, peers, 'produce'),
      `${r.produce.p50Ms} / ${r.produce.p99Ms}`,
      fmtNumber(r.consume.messagesPerSecond),
      ratio(r, peers, 'consume'),
      `${cpu(r.produce)} | ${cpu(r.consume)}`,
      String(Math.max(r.produce.serverRssMegabytes, r.consume.serverRssMegabytes)),
    ];
  });
  const cohort = rows.filter((r) => r.system === 'cohort');
  const short = cohort.filter((r) =>
    peersOf(rows, r).some(
      (p) =>
        r.produce.messagesPerSecond < p.produce.messagesPerSecond ||
        r.consume.messagesPerSecond < p.consume.messagesPerSecond ||
        (r.produce.p99Ms ?? 0) > (p.produce.p99Ms ?? 0),
    ),
  );
  const compared = cohort.filter((r) => peersOf(rows, r).length > 0);
  const goal =
    compared.length === 0
      ? 'goal not judged: no RabbitMQ or NATS row to compare with'
      : short.length === 0
        ? 'goal met: Cohort at least as fast as RabbitMQ and NATS in every row, p99 no worse'
        : `goal NOT met in ${short.length} of ${cohort.length} rows (${short.map((r) => `${r.messageBytes} B ×${r.concurrency}`).join(', ')})`;
  const servers = Object.entries(report.servers).map(([k, v]) => `  ${k}: ${v}`);
  return (
    `broker: durable publish (awaiting each ack) and consume (one member, prefetch ${report.consumePrefetch}, ack each; a backlog of at least ${report.consumeBacklogPerSecond.toLocaleString('en-US')} per second of run, topped up untimed)\n` +
    `${servers.join('\n')}\n${table(HEADER, lines)}\n${goal}`
  );
}

export function commBenchText(report: CommBenchReport): string {
  const head = `${fmtNumber(report.durationMs)} ms per run, median of ${report.repeats}; node ${report.node}`;
  const blocks = [head];
  if (report.broker !== undefined) blocks.push(brokerText(report.broker));
  if (report.rpc !== undefined) blocks.push(rpcBenchText(report.rpc));
  return blocks.join('\n\n');
}
