// `cohort bench comm` end to end, tiny (200 ms per run, one run, 100 B, two producers): the
// JSON report's shape — every broker (Cohort's, RabbitMQ, NATS JetStream) with a produce and
// a consume phase whose counts agree (everything produced was consumed), latencies and
// server samples present — the human table, and nothing left behind in TMPDIR (the servers
// it starts are stopped and their directories removed). No timing thresholds: only what was
// counted is checked.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { CommBenchReport } from '../bench/comm.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const scratch = mkdtempSync(join(tmpdir(), 'cohort-bench-comm-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(NODE, [...NODE_ARGS, ...args], {
    env: { ...process.env, TMPDIR: scratch },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout })));
}

const ARGS = ['bench', 'comm', '--duration', '200', '--repeats', '1'];
const SMALL = ['--concurrency', '2', '--sizes', '100'];

it('reports produce and consume for every broker, as JSON and as a table', async () => {
  const { code, stdout } = await run([...ARGS, ...SMALL, '--json']);
  expect(code).toBe(0);
  const report = JSON.parse(stdout) as CommBenchReport;
  expect(report.workloads).toEqual(['broker', 'rpc']);
  expect(report.durationMs).toBe(200);
  expect(report.repeats).toBe(1);
  const broker = report.broker as NonNullable<CommBenchReport['broker']>;
  expect(Object.keys(broker.servers)).toEqual(['cohort', 'rabbitmq', 'nats']);
  expect(broker.servers.rabbitmq).toMatch(/^RabbitMQ \d/);
  expect(broker.servers.nats).toMatch(/^nats-server \d/);
  expect(broker.rows.map((r) => `${r.system}/${r.messageBytes}/${r.concurrency}`)).toEqual([
    'cohort/100/2',
    'rabbitmq/100/2',
    'nats/100/2',
  ]);
  for (const r of broker.rows) {
    expect(r.runs).toHaveLength(1);
    expect(r.produce.messages).toBeGreaterThan(0);
    expect(r.produce.errors).toBe(0);
    // Everything acknowledged was consumed and acked: what the run produced, topped up to the
    // backlog every system consumes (200 ms: 2,000 messages).
    expect(broker.consumeBacklogPerSecond).toBe(10_000);
    expect(r.consume.messages).toBe(Math.max(r.produce.messages, 2000));
    expect(r.consume.errors).toBe(0);
    expect(r.produce.p50Ms).toBeLessThanOrEqual(r.produce.p99Ms as number);
    expect(r.consume.p99Ms).toBeUndefined();
    expect(r.produce.serverRssMegabytes).toBeGreaterThan(0);
    expect(r.produce.serverCpuMsPerSecond).toBeGreaterThanOrEqual(0);
  }
  const rpc = report.rpc as NonNullable<CommBenchReport['rpc']>;
  expect(rpc.rows.map((r) => `${r.client}/${r.concurrency}`)).toEqual(['cohort/2', 'grpc-js/2']);
  for (const r of rpc.rows) {
    expect(r.median.calls).toBeGreaterThan(0);
    expect(r.median.errors).toBe(0);
    expect(r.median.p50Ms).toBeLessThanOrEqual(r.median.p99Ms);
  }

  const text = await run([...ARGS, ...SMALL, '--backends', 'cohort,nats']);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('produce msg/s');
  expect(text.stdout).toContain('  nats');
  expect(text.stdout).not.toContain('rabbitmq');
  expect(text.stdout).toMatch(/goal (met|NOT met)/);
  expect(text.stdout).toContain('× grpc-js');
  // The servers were stopped and their data removed (tsx keeps its cache there too).
  expect(readdirSync(scratch).filter((f) => f.startsWith('cohort-'))).toEqual([]);
}, 300_000);
