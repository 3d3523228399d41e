// `cohort node --algorithm NAME --id N --peers 1=127.0.0.1:7001,… --data-dir DIR`: one real
// node in the foreground. Structured logs (pino) go to stderr; stdout gets one JSON line
// when the node is ready ({"event":"ready","id","port","apiPort","apiTokenFile","pid"}) so
// launchers and tests learn its ports and where its API token is. A node whose start step
// failed prints no ready line and exits 1. SIGINT/SIGTERM stop it cleanly; SIGKILL is a
// crash.
//
// Exposure: the peer port listens at this node's --peers address, which must be loopback
// unless --allow-non-loopback is given (then a warning: protect it with TLS or the cluster
// secret); the client API listens on 127.0.0.1 only and requires its bearer token.

import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { monotonicClock } from '../runtime/clock.js';
import { startNode } from '../runtime/node.js';
import { resolveOptions } from '../sim/run.js';
import {
  optionArgs,
  parseAlgorithmOptions,
  resolveAlgorithm,
  runtimeOptions,
} from './algorithm-options.js';
import { foreground } from './foreground.js';
import { nodeApiToken } from './node-api-token.js';
import { openStorage, type StorageKind, storageFailure } from './open-storage.js';
import { parseInteger } from './parse-flags.js';
import { type PeerAuthFlags, peerAuthFromFlags } from './peer-auth-flags.js';
import { listenBeyondLoopback, parsePeers } from './peer-list.js';
import { UsageError } from './usage-error.js';

export interface NodeFlags extends PeerAuthFlags {
  readonly algorithm?: string;
  readonly id?: string;
  readonly peers?: string;
  readonly dataDir?: string;
  readonly clusterId?: string;
  readonly option?: readonly string[];
  readonly seed?: string;
  readonly apiPort?: string;
  readonly apiTokenFile?: string;
  readonly allowNonLoopback?: boolean;
  readonly outputsFile?: string;
  readonly storage?: string;
  readonly repair?: boolean;
  readonly logLevel?: string;
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

/** Every flag that needs no I/O, checked (bad usage throws UsageError: exit 2). */
function parseNodeFlags(flags: NodeFlags, extra: readonly string[]) {
  const spec = resolveAlgorithm(required('--algorithm', flags.algorithm));
  const id = parseInteger('--id', required('--id', flags.id), 1, 1_000_000) as number;
  const peers = parsePeers(required('--peers', flags.peers));
  const self = peers.get(id);
  if (self === undefined) throw new UsageError(`--peers has no address for --id ${id}`);
  const exposed = listenBeyondLoopback(self, id, flags.allowNonLoopback === true);
  if (peers.size < spec.nodes.min || peers.size > spec.nodes.max) {
    throw new UsageError(
      `${spec.name} runs on ${spec.nodes.min}..${spec.nodes.max} nodes, --peers lists ${peers.size}`,
    );
  }
  const options = resolveOptions(
    spec,
    runtimeOptions(
      spec,
      parseAlgorithmOptions(spec, [...optionArgs(flags.option ?? []), ...extra]),
    ),
  );
  const kind = (flags.storage ?? 'wal') as StorageKind;
  if (kind !== 'wal' && kind !== 'memory') {
    throw new UsageError(`--storage must be wal or memory, got '${kind}'`);
  }
  const dataDir = kind === 'wal' ? required('--data-dir', flags.dataDir) : flags.dataDir;
  const seed = parseInteger('--seed', flags.seed, 0, 2 ** 31 - 1) ?? 1;
  const apiPort = parseInteger('--api-port', flags.apiPort, 0, 65_535) ?? 0;
  const cluster = flags.clusterId ?? 'cohort';
  return { spec, id, peers, self, exposed, options, kind, dataDir, seed, apiPort, cluster };
}

/** Parses and checks every flag; resolves when the node has stopped (exit code). */
export async function nodeCommand(flags: NodeFlags, extra: readonly string[]): Promise<number> {
  const { spec, id, peers, self, exposed, options, kind, dataDir, seed, apiPort, cluster } =
    parseNodeFlags(flags, extra);
  const log = pino(
    { name: 'cohort-node', level: flags.logLevel ?? 'info', base: { node: id, pid: process.pid } },
    pino.destination({ fd: 2, sync: true }),
  );
  const peerAuth = peerAuthFromFlags(id, flags, (line) => log.warn(line));
  if (exposed) {
    log.warn(
      { listen: `${self.host}:${self.port}` },
      'the peer port is reachable from the network: protect it with TLS or the cluster secret',
    );
  }
  const nodeDir = dataDir === undefined ? undefined : path.join(dataDir, `node-${id}`);
  // Storage first: a data directory on a failed or read-only disk ends the start here, with
  // one clear line and exit 1, before anything else writes there.
  const storage = await openStorage(kind, nodeDir, log, flags.repair === true).catch(
    (error: unknown) => {
      const line = storageFailure(error);
      if (line === undefined) throw error;
      log.fatal(line);
      return undefined;
    },
  );
  if (storage === undefined) return 1;
  if (nodeDir !== undefined) fs.mkdirSync(nodeDir, { recursive: true });
  const apiToken = nodeApiToken(flags.apiTokenFile, nodeDir, id);
  if (apiToken.warning !== undefined) log.warn({ file: apiToken.file }, apiToken.warning);
  const fg = foreground(log, 'node');
  const node = await startNode({
    algorithm: spec,
    id,
    cluster,
    peers,
    peerAuth,
    options,
    seed,
    randomSeed: randomInt(2 ** 47),
    storage,
    clock: monotonicClock(),
    apiPort,
    apiToken: apiToken.token,
    ...(flags.outputsFile !== undefined && { outputsFile: flags.outputsFile }),
    log,
    onFatal: fg.onFatal,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new UsageError(`address in use: ${error.message}`);
    throw error;
  });
  if (fg.fatal !== undefined) {
    // The start step itself failed (e.g. stored state it cannot load): not ready, so a
    // launcher waiting for the ready line reports the failure instead of a started node.
    await node.stop().catch((error: Error) => log.error({ err: error }, 'stop failed'));
    apiToken.cleanup();
    return 1;
  }
  const ready = {
    event: 'ready',
    id,
    port: node.port,
    apiPort: node.apiPort,
    apiTokenFile: apiToken.file,
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  log.info({ algorithm: spec.name, cluster, port: node.port, apiPort: node.apiPort }, 'ready');
  await fg.stopped();
  await node.stop().catch((error: Error) => log.error({ err: error }, 'stop failed'));
  apiToken.cleanup();
  return fg.fatal === undefined ? 0 : 1;
}
