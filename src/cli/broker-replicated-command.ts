// `cohort broker --id N --peers 1=host:port,…`: one member of a replicated broker
// (src/comm/broker/replicated-*.ts; each partition a Raft group over every broker of
// --peers). The flags name members as `cohort node` does (--id, --peers, --cluster-id and the
// peer-authentication flags); --listen is this broker's gRPC address for clients and
// --data-dir holds one write-ahead log per Raft group. Prints the ready line, runs until
// SIGINT/SIGTERM or a fatal error (a failed disk: exit 1). Bad flags: one line, exit 2.

import pino from 'pino';
import type { BrokerConfig } from '../comm/broker/config.js';
import { BrokerError } from '../comm/broker/errors.js';
import { startReplicatedBrokerServer } from '../comm/broker/replicated-server.js';
import { isLoopbackHost } from '../runtime/http-guard.js';
import { foreground } from './foreground.js';
import { parseInteger } from './parse-flags.js';
import { type PeerAuthFlags, peerAuthFromFlags } from './peer-auth-flags.js';
import { listenBeyondLoopback, parsePeers } from './peer-list.js';
import { UsageError } from './usage-error.js';

/** The flags replicated mode reads (commands-broker.ts declares them). */
export interface ReplicatedBrokerFlags extends PeerAuthFlags {
  readonly dataDir: string;
  readonly logLevel: string;
  readonly allowNonLoopback?: boolean;
  readonly metricsPort?: string;
  readonly id?: string;
  readonly peers?: string;
  readonly clusterId: string;
}

export async function replicatedBrokerCommand(
  flags: ReplicatedBrokerFlags,
  listen: { host: string; port: number },
  config: Partial<BrokerConfig>,
): Promise<number> {
  if (flags.peers === undefined || flags.id === undefined)
    throw new UsageError('replicated mode needs both --id and --peers');
  if (flags.metricsPort !== undefined)
    throw new UsageError('--metrics-port is not available in replicated mode');
  const peers = parsePeers(flags.peers);
  const id = parseInteger('--id', flags.id, 1, peers.size) as number;
  const allow = flags.allowNonLoopback === true;
  listenBeyondLoopback(peers.get(id) as { host: string; port: number }, id, allow);
  if (!isLoopbackHost(listen.host) && !allow)
    throw new UsageError(`--listen ${listen.host} is beyond loopback: add --allow-non-loopback`);
  const log = pino(
    { name: 'cohort-broker', level: flags.logLevel, base: { pid: process.pid, id } },
    pino.destination({ fd: 2, sync: true }),
  );
  const peerAuth = peerAuthFromFlags(id, flags, (line) => log.warn(line));
  const fg = foreground(log, 'broker');
  let server: Awaited<ReturnType<typeof startReplicatedBrokerServer>>;
  try {
    server = await startReplicatedBrokerServer({
      ...listen,
      id,
      cluster: flags.clusterId,
      peers,
      peerAuth,
      dir: flags.dataDir,
      log,
      config,
      onFatal: (e) => fg.onFatal(e),
    });
  } catch (error) {
    if (error instanceof BrokerError) throw new UsageError(error.message);
    throw error;
  }
  const address = `${listen.host}:${server.port}`;
  const ready = { event: 'ready', address, port: server.port, id, peerPort: server.peerPort };
  process.stdout.write(`${JSON.stringify({ ...ready, replicated: true, pid: process.pid })}\n`);
  log.info({ address, dataDir: flags.dataDir, peers: flags.peers }, 'replicated broker ready');
  await fg.stopped();
  await server.close();
  return fg.fatal === undefined ? 0 : 1;
}
