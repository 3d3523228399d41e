// `cohort serve`: one member of the coordination server in the foreground, with etcd's flag
// names where the meaning is the same (--name, --data-dir, --listen-client-urls,
// --advertise-client-urls, --listen-peer-urls, --initial-cluster, --initial-cluster-token,
// --initial-cluster-state (new, or existing to join a running cluster after `etcdctl member
// add`, with the --initial-cluster it printed), --max-request-bytes, --max-txn-ops, --quota-backend-bytes, --auto-compaction-retention,
// --auto-compaction-mode, TLS flags). With no flags it is a single member named
// "default" with its data in ./cohort-data, clients on 127.0.0.1:2379, peers on :2380.
// stdout gets one JSON line when it is ready ({"event":"ready","name","clientUrl",…}); logs
// are pino JSON lines on stderr. SIGINT/SIGTERM stop it cleanly.
//
// Exposure: the client port (gRPC and HTTP) must be loopback unless TLS with client
// certificates is on or --allow-non-loopback is given (then a warning); the peer port
// follows `cohort node`'s rules (authenticated peers, loopback unless allowed).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { ClientTls } from '../server/client-port.js';
import { addressOfUrl, type ClusterMember, startServer } from '../server/serve.js';
import { parseAutoCompaction } from './compaction-flags.js';
import { foreground } from './foreground.js';
import { storageFailure } from './open-storage.js';
import { parseInteger } from './parse-flags.js';
import { type PeerAuthFlags, peerAuthFromFlags } from './peer-auth-flags.js';
import { listenBeyondLoopback } from './peer-list.js';
import { UsageError } from './usage-error.js';

export interface ServeFlags extends PeerAuthFlags {
  readonly name: string;
  readonly dataDir: string;
  readonly listenClientUrls: string;
  readonly advertiseClientUrls?: string;
  readonly listenPeerUrls: string;
  readonly initialAdvertisePeerUrls?: string;
  readonly initialCluster?: string;
  readonly initialClusterToken: string;
  readonly initialClusterState: string;
  readonly maxRequestBytes: string;
  readonly maxTxnOps: string;
  readonly quotaBackendBytes: string;
  readonly autoCompactionRetention: string;
  readonly autoCompactionMode: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly trustedCaFile?: string;
  readonly clientCertAuth?: boolean;
  readonly allowNonLoopback?: boolean;
  readonly logLevel: string;
}

function oneUrl(flag: string, list: string): URL {
  const urls = list.split(',').filter((u) => u !== '');
  if (urls.length !== 1) throw new UsageError(`${flag}: give one URL (got ${urls.length})`);
  let url: URL;
  try {
    url = new URL(urls[0] as string);
  } catch {
    throw new UsageError(`${flag}: '${urls[0]}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${flag}: '${urls[0]}' must be http:// or https://`);
  if (url.port === '') throw new UsageError(`${flag}: '${urls[0]}' needs a port`);
  return url;
}

/** --initial-cluster "a=http://127.0.0.1:2380,b=…" (a name may repeat for several URLs). */
export function parseCluster(text: string): ClusterMember[] {
  const byName = new Map<string, string[]>();
  for (const part of text.split(',').filter((p) => p !== '')) {
    const at = part.indexOf('=');
    if (at <= 0) throw new UsageError(`--initial-cluster: '${part}' is not name=url`);
    const name = part.slice(0, at);
    const url = oneUrl('--initial-cluster', part.slice(at + 1))
      .toString()
      .replace(/\/$/, '');
    byName.set(name, [...(byName.get(name) ?? []), url]);
  }
  if (byName.size === 0) throw new UsageError('--initial-cluster lists no member');
  return [...byName].map(([name, peerUrls]) => ({ name, peerUrls }));
}

function clientTls(flags: ServeFlags, https: boolean): ClientTls | undefined {
  const given = flags.certFile !== undefined || flags.keyFile !== undefined;
  if (!given) {
    if (https) throw new UsageError('https:// client URLs need --cert-file and --key-file');
    if (flags.clientCertAuth === true) throw new UsageError('--client-cert-auth needs --cert-file');
    return undefined;
  }
  if (flags.certFile === undefined || flags.keyFile === undefined)
    throw new UsageError('give both --cert-file and --key-file');
  if (flags.clientCertAuth === true && flags.trustedCaFile === undefined)
    throw new UsageError('--client-cert-auth needs --trusted-ca-file');
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new UsageError(`${flag}: ${(error as Error).message}`);
    }
  };
  return {
    cert: read('--cert-file', flags.certFile),
    key: read('--key-file', flags.keyFile),
    ...(flags.trustedCaFile !== undefined && {
      ca: read('--trusted-ca-file', flags.trustedCaFile),
    }),
    clientCertAuth: flags.clientCertAuth === true,
  };
}

/** Every flag that needs no I/O but the TLS files, checked (bad usage: exit 2). */
function parseServeFlags(flags: ServeFlags) {
  const clientUrl = oneUrl('--listen-client-urls', flags.listenClientUrls);
  const peerUrl = oneUrl('--listen-peer-urls', flags.listenPeerUrls);
  const advertisedPeer = flags.initialAdvertisePeerUrls ?? peerUrl.toString().replace(/\/$/, '');
  const cluster = parseCluster(flags.initialCluster ?? `${flags.name}=${advertisedPeer}`);
  const index = cluster.findIndex((m) => m.name === flags.name);
  if (index < 0) throw new UsageError(`--initial-cluster has no member named '${flags.name}'`);
  const state = flags.initialClusterState;
  if (state !== 'new' && state !== 'existing')
    throw new UsageError("--initial-cluster-state: 'new' or 'existing'");
  // Peer certificates name positional node ids (peer-auth.ts): a joiner's id is derived.
  if (state === 'existing' && flags.peerCertFile !== undefined)
    throw new UsageError('--initial-cluster-state existing: not with --peer-cert-file yet');
  const tls = clientTls(flags, clientUrl.protocol === 'https:');
  const client = addressOfUrl(clientUrl.toString());
  const clientExposed =
    tls?.clientCertAuth !== true &&
    listenBeyondLoopback(client, index + 1, flags.allowNonLoopback === true);
  const peer = addressOfUrl(peerUrl.toString());
  const peerExposed = listenBeyondLoopback(peer, index + 1, flags.allowNonLoopback === true);
  const maxRequestBytes = parseInteger('--max-request-bytes', flags.maxRequestBytes, 1, 2 ** 30);
  const maxTxnOps = parseInteger('--max-txn-ops', flags.maxTxnOps, 1, 1_000_000);
  const quotaBackendBytes = parseInteger(
    '--quota-backend-bytes',
    flags.quotaBackendBytes,
    -(2 ** 53 - 1),
    2 ** 53 - 1,
  );
  const autoCompaction = parseAutoCompaction(
    flags.autoCompactionMode,
    flags.autoCompactionRetention,
  );
  return {
    client,
    clientExposed,
    peer,
    peerExposed,
    cluster,
    index,
    tls,
    maxRequestBytes: maxRequestBytes as number,
    maxTxnOps: maxTxnOps as number,
    quotaBackendBytes: quotaBackendBytes as number,
    autoCompaction,
    initialClusterState: state as 'new' | 'existing',
    advertiseClientUrls: (flags.advertiseClientUrls ?? clientUrl.toString().replace(/\/$/, ''))
      .split(',')
      .filter((u) => u !== ''),
  };
}

/** Parses the flags and runs the member until a signal or a fatal error (exit code). */
export async function serveCommand(flags: ServeFlags): Promise<number> {
  const p = parseServeFlags(flags);
  const log = pino(
    { name: 'cohort-serve', level: flags.logLevel, base: { member: flags.name, pid: process.pid } },
    pino.destination({ fd: 2, sync: true }),
  );
  // A lone member has no peers to authenticate: its peer port is loopback and unused.
  const lone = p.cluster.length === 1 && !p.peerExposed;
  const auth = lone && !hasPeerAuthFlags(flags) ? { kind: 'none' as const } : undefined;
  const peerAuth = auth ?? peerAuthFromFlags(p.index + 1, flags, (line) => log.warn(line));
  if (p.clientExposed)
    log.warn('the client port is reachable from the network without client certificates');
  if (p.peerExposed)
    log.warn(
      'the peer port is reachable from the network: protect it with TLS or the cluster secret',
    );
  const fg = foreground(log, 'member');
  const running = await startServer({
    name: flags.name,
    dataDir: flags.dataDir,
    client: p.client,
    advertiseClientUrls: p.advertiseClientUrls,
    peer: p.peer,
    cluster: p.cluster,
    clusterToken: flags.initialClusterToken,
    maxRequestBytes: p.maxRequestBytes,
    maxTxnOps: p.maxTxnOps,
    quotaBackendBytes: p.quotaBackendBytes,
    autoCompaction: p.autoCompaction,
    peerAuth,
    ...(p.tls !== undefined && { clientTls: p.tls }),
    initialClusterState: p.initialClusterState,
    positionalIds: flags.peerCertFile !== undefined,
    // etcd exits once removed ("the member has been permanently removed from the cluster").
    onRemoved: () => process.kill(process.pid, 'SIGTERM'),
    log,
    onFatal: fg.onFatal,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new UsageError(`address in use: ${error.message}`);
    const line = storageFailure(error);
    if (line !== undefined) throw new UsageError(line);
    throw error;
  });
  const scheme = p.tls === undefined ? 'http' : 'https';
  const clientUrl = `${scheme}://${p.client.host}:${running.clientPort}`;
  const ready = {
    event: 'ready',
    name: flags.name,
    clientUrl,
    peerPort: running.peerPort,
    dataDir: join(flags.dataDir),
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  log.info({ clientUrl, peerPort: running.peerPort }, 'ready to serve client requests');
  await fg.stopped();
  await running.stop().catch((error: Error) => log.error({ err: error }, 'stop failed'));
  return fg.fatal === undefined ? 0 : 1;
}

function hasPeerAuthFlags(f: PeerAuthFlags): boolean {
  return (
    f.clusterSecretFile !== undefined || f.peerCertFile !== undefined || f.insecurePeers === true
  );
}
