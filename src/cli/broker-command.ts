// `cohort broker`'s action: parses the flags, opens the broker's WAL in --data-dir, serves
// gRPC at --listen (and Prometheus metrics on 127.0.0.1:--metrics-port when given), prints the
// ready line, and runs until SIGINT/SIGTERM or a fatal error (a failed disk: exit 1). Bad
// flags, or a metrics port already taken: one line on stderr, exit 2 (UsageError).

import pino from 'pino';
import type { BrokerConfig } from '../comm/broker/config.js';
import { BrokerError } from '../comm/broker/errors.js';
import { startBrokerServer } from '../comm/broker/server.js';
import { tuneHeapGrowth } from '../runtime/heap-growth.js';
import { isLoopbackHost } from '../runtime/http-guard.js';
import { foreground } from './foreground.js';
import { parseInteger } from './parse-flags.js';
import { UsageError } from './usage-error.js';

const MAX_MS = 24 * 3600 * 1000;

/** commander's parsed flags (commands-broker.ts declares them). */
export interface BrokerFlags {
  dataDir: string;
  listen: string;
  allowNonLoopback?: boolean;
  ackTimeoutMs?: string;
  sessionTimeoutMs?: string;
  checkIntervalMs?: string;
  checkMaxAttempts?: string;
  onCheckExhausted?: string;
  maxMessageBytes?: string;
  maxInFlight?: string;
  metricsPort?: string;
  logLevel: string;
  // Replicated mode's flags (broker-replicated-command.ts).
  id?: string;
  peers?: string;
  clusterId: string;
  clusterSecretFile?: string;
  peerCertFile?: string;
  peerKeyFile?: string;
  peerTrustedCaFile?: string;
  insecurePeers?: boolean;
}

function parseListen(raw: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(raw);
  if (m === null) throw new UsageError(`--listen must be host:port, got '${raw}'`);
  const host = (m[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { host, port: parseInteger('--listen port', m[2], 0, 65535) as number };
}

function configFrom(flags: BrokerFlags): Partial<BrokerConfig> {
  const c: { -readonly [K in keyof BrokerConfig]?: BrokerConfig[K] } = {};
  const int = (flag: string, raw: string | undefined, max: number) =>
    parseInteger(flag, raw, 1, max);
  const set = <K extends keyof BrokerConfig>(k: K, v: BrokerConfig[K] | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  set('ackTimeoutMs', int('--ack-timeout-ms', flags.ackTimeoutMs, MAX_MS));
  set('sessionTimeoutMs', int('--session-timeout-ms', flags.sessionTimeoutMs, MAX_MS));
  set('checkIntervalMs', int('--check-interval-ms', flags.checkIntervalMs, MAX_MS));
  set('checkMaxAttempts', int('--check-max-attempts', flags.checkMaxAttempts, 1_000_000));
  set('maxMessageBytes', int('--max-message-bytes', flags.maxMessageBytes, 64 * 1024 * 1024));
  set('maxInFlightPerConsumer', int('--max-in-flight', flags.maxInFlight, 1_000_000));
  const e = flags.onCheckExhausted;
  if (e !== undefined && e !== 'rollback' && e !== 'keep')
    throw new UsageError(`--on-check-exhausted must be 'rollback' or 'keep', got '${e}'`);
  set('onCheckExhausted', e);
  if ((c.sessionTimeoutMs ?? 0) > 0)
    c.minSessionTimeoutMs = Math.min(100, c.sessionTimeoutMs as number);
  return c;
}

export async function brokerCommand(flags: BrokerFlags): Promise<number> {
  tuneHeapGrowth(); // A broker streams records on a small heap: see heap-growth.ts.
  if (flags.peers !== undefined || flags.id !== undefined) {
    const { replicatedBrokerCommand } = await import('./broker-replicated-command.js');
    return replicatedBrokerCommand(flags, parseListen(flags.listen), configFrom(flags));
  }
  const { host, port } = parseListen(flags.listen);
  if (!isLoopbackHost(host) && flags.allowNonLoopback !== true)
    throw new UsageError(`--listen ${host} is beyond loopback: add --allow-non-loopback`);
  const config = configFrom(flags);
  const metricsPort = parseInteger('--metrics-port', flags.metricsPort, 0, 65535);
  const log = pino(
    { name: 'cohort-broker', level: flags.logLevel, base: { pid: process.pid } },
    pino.destination({ fd: 2, sync: true }),
  );
  if (!isLoopbackHost(host))
    log.warn('the broker is reachable from the network without authentication');
  const fg = foreground(log, 'broker');
  let server: Awaited<ReturnType<typeof startBrokerServer>>;
  try {
    server = await startBrokerServer(flags.dataDir, {
      host,
      port,
      config,
      ...(metricsPort === undefined ? {} : { metricsPort }),
      onFatal: (e) => fg.onFatal(e as Error),
      wal: { onWarning: (text) => log.warn(text) },
    });
  } catch (error) {
    if (error instanceof BrokerError) throw new UsageError(error.message);
    // Only the metrics endpoint listens with node:http (gRPC reports its own bind errors).
    const e = error as NodeJS.ErrnoException;
    if (e.syscall === 'listen' && metricsPort !== undefined)
      throw new UsageError(`--metrics-port ${metricsPort}: ${e.code ?? e.message}`);
    throw error;
  }
  const address = `${host}:${server.port}`;
  const metrics = server.metricsPort === undefined ? {} : { metricsPort: server.metricsPort };
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', address, port: server.port, ...metrics, pid: process.pid })}\n`,
  );
  log.info({ address, dataDir: flags.dataDir, ...metrics }, 'broker ready');
  await fg.stopped();
  await server.close();
  return fg.fatal === undefined ? 0 : 1;
}
