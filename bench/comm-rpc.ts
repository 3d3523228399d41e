// The `rpc` workload of `cohort bench comm`: unary calls per second and latency through
// Cohort's RpcClient (src/comm/rpc: balancer pick/release, retry budget, deadline context,
// typed errors) against plain @grpc/grpc-js client calls, to the same plain grpc-js server
// (bench/comm-rpc-server.ts, its own process) on loopback, in one run. For each concurrency
// (default 1, 16, 64: that many callers, each one call at a time) and each repeat, both
// clients run `durationMs` in turn (the order alternating between repeats), after an untimed
// warm-up; a row is the median run by calls per second. Each client is one channel, as one
// client process would have. The client process's CPU time per call is read with
// process.cpuUsage (the server is shared, so its CPU says nothing about the clients).
//
// Fault model: a failed call counts as an error (the row says how many) and the run goes on;
// the server is killed, by its pid, when the bench ends or fails. The bundled CLI has no
// server script to run: it serves in-process (the report's `server` says which).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { credentials, makeClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { fmtNumber, table } from '../src/cli/format.js';
import { RpcClient } from '../src/comm/rpc/client.js';
import { echoService } from '../src/comm/rpc/echo-service.js';
import { NodeProcess } from '../src/runtime/launcher/node-process.js';
import { startPlainEchoServer } from './comm-rpc-server.js';
import { percentile } from './metrics.js';

export const RPC_CLIENTS = ['cohort', 'grpc-js'] as const;
export type RpcClientKind = (typeof RPC_CLIENTS)[number];
const SERVER = path.resolve(import.meta.dirname, 'comm-rpc-server.ts');
const WARM_UP_MS = 500;
const TEXT = 'x'.repeat(64);

export interface RpcBenchOptions {
  /** Default 1, 16, 64. */
  readonly concurrency?: readonly number[];
  /** Per run (default 3000). */
  readonly durationMs?: number;
  /** Default 3. */
  readonly repeats?: number;
  /** Where the server's stderr goes (default /dev/null). */
  readonly logFile?: string;
  readonly onProgress?: (text: string) => void;
}

export interface RpcRun {
  readonly calls: number;
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Client process CPU per call, in microseconds. */
  readonly clientCpuMicrosPerCall: number;
}

export interface RpcBenchRow {
  readonly client: RpcClientKind;
  readonly concurrency: number;
  /** The median run (by calls per second). */
  readonly median: RpcRun;
  readonly runs: readonly RpcRun[];
}

export interface RpcBenchReport {
  readonly message: string;
  /** 'process': the server ran as its own process; 'in-process' (the bundled CLI): here. */
  readonly server: 'process' | 'in-process';
  readonly rows: readonly RpcBenchRow[];
}

type Caller = () => Promise<unknown>;

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** `concurrency` callers, one call at a time each, for `durationMs`. */
async function runOnce(call: Caller, concurrency: number, durationMs: number): Promise<RpcRun> {
  const latencies: number[] = [];
  let errors = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const end = started + durationMs;
  const caller = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const sorted = Float64Array.from(latencies).sort();
  const calls = latencies.length;
  return {
    calls,
    callsPerSecond: Math.round(calls / seconds),
    p50Ms: round(percentile(sorted, 50), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    errors,
    clientCpuMicrosPerCall: calls === 0 ? 0 : round((used.user + used.system) / calls, 1),
  };
}

function callers(address: string): { callers: Record<RpcClientKind, Caller>; close(): void } {
  const service = echoService();
  const cohort = new RpcClient(service, { addresses: [address] }, { retry: {} });
  const Plain = makeClientConstructor(service.definition, service.name);
  const plain = new Plain(address, credentials.createInsecure()) as unknown as {
    Echo(r: object, cb: (e: ServiceError | null, v?: unknown) => void): void;
    close(): void;
  };
  const request = { text: TEXT };
  return {
    callers: {
      cohort: () => cohort.call('Echo', request),
      'grpc-js': () =>
        new Promise((resolve, reject) =>
          plain.Echo(request, (e, v) => (e === null ? resolve(v) : reject(e))),
        ),
    },
    close: () => {
      cohort.close();
      plain.close();
    },
  };
}

/** The plain server: its own process when its script is here, else in this process. */
async function startServer(
  logFile: string,
): Promise<{ port: number; where: RpcBenchReport['server']; stop(): Promise<void> }> {
  if (!existsSync(SERVER)) {
    const server = await startPlainEchoServer();
    return { port: server.port, where: 'in-process', stop: async () => server.close() };
  }
  const proc = new NodeProcess([process.execPath, '--import', 'tsx', SERVER], logFile);
  const stop = async () => {
    proc.kill('SIGKILL');
    await proc.exited;
  };
  try {
    const ready = (await proc.ready) as unknown as { port: number };
    return { port: ready.port, where: 'process', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function benchRpc(options: RpcBenchOptions = {}): Promise<RpcBenchReport> {
  const concurrency = options.concurrency ?? [1, 16, 64];
  const durationMs = options.durationMs ?? 3000;
  const repeats = options.repeats ?? 3;
  const progress = options.onProgress ?? (() => {});
  const server = await startServer(options.logFile ?? '/dev/null');
  const clients = callers(`127.0.0.1:${server.port}`);
  try {
    const rows: RpcBenchRow[] = [];
    for (const c of concurrency) {
      const runs: Record<RpcClientKind, RpcRun[]> = { cohort: [], 'grpc-js': [] };
      for (const kind of RPC_CLIENTS) await runOnce(clients.callers[kind], c, WARM_UP_MS);
      for (let r = 0; r < repeats; r++) {
        const order = r % 2 === 0 ? RPC_CLIENTS : [...RPC_CLIENTS].reverse();
        for (const kind of order) {
          progress(`rpc ${kind} concurrency ${c} run ${r + 1}/${repeats}`);
          runs[kind].push(await runOnce(clients.callers[kind], c, durationMs));
        }
      }
      for (const kind of RPC_CLIENTS) {
        const sorted = [...runs[kind]].sort((a, b) => a.callsPerSecond - b.callsPerSecond);
        const median = sorted[Math.floor(sorted.length / 2)] as RpcRun;
        rows.push({ client: kind, concurrency: c, median, runs: runs[kind] });
      }
    }
    const message = `Echo, ${TEXT.length}-character text, loopback, server ${server.where}`;
    return { message, server: server.where, rows };
  } finally {
    clients.close();
    await server.stop();
  }
}

/** The human table: one row per client and concurrency; Cohort's with its ratio to grpc-js. */
export function rpcBenchText(report: RpcBenchReport): string {
  const lines = report.rows.map((r) => {
    const peer = report.rows.find((x) => x.client === 'grpc-js' && x.concurrency === r.concurrency);
    const ratio =
      r.client === 'cohort' && peer !== undefined
        ? `${(r.median.callsPerSecond / peer.median.callsPerSecond).toFixed(2)}×`
        : '';
    return [
      r.client,
      String(r.concurrency),
      fmtNumber(r.median.callsPerSecond),
      ratio,
      `${r.median.p50Ms} / ${r.median.p99Ms}`,
      String(r.median.clientCpuMicrosPerCall),
      String(r.median.errors),
    ];
  });
  const header = [
    'client',
    'conc.',
    'calls/s',
    '× grpc-js',
    'p50 / p99 ms',
    'client CPU µs/call',
    'errors',
  ];
  return `RPC: ${report.message}\n${table(header, lines)}`;
}
