// Starts one member of the coordination server: the write-ahead log in the data directory,
// the Raft member with the MVCC machine, etcd's gRPC services and HTTP endpoints on the
// client port. `cohort serve` (cli/serve-command.ts) parses etcd's flags into a ServeConfig;
// tests and benchmarks call `startServer` directly.
//
// Fault model: the process may be killed at any instant (the WAL recovers whole steps);
// a failed disk or a broken assertion stops the member through `onFatal`.

import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { monotonicClock } from '../runtime/clock.js';
import type { DurableStorage } from '../runtime/durable-storage.js';
import type { PeerAuth } from '../runtime/transport/peer-auth.js';
import type { Address } from '../runtime/transport/peer-link.js';
import { openWalStorage } from '../runtime/wal/index.js';
import { type ClientTls, listenClientPort } from './client-port.js';
import type { AutoCompaction } from './compactor.js';
import { EtcdServer, type MemberInfo } from './etcd-server.js';
import { createGrpcServer } from './grpc/services.js';
import { httpHandler, metricsRegistry } from './http.js';
import { clusterId, memberId } from './identity.js';
import { serverMachineDef } from './machine.js';
import { Member } from './member.js';
import { DEFAULT_MAX_TXN_OPS } from './mvcc/index.js';

/** One member of --initial-cluster. */
export interface ClusterMember {
  readonly name: string;
  readonly peerUrls: readonly string[];
}

export interface ServeConfig {
  readonly name: string;
  readonly dataDir: string;
  /** Where the client port listens (host and port of --listen-client-urls). */
  readonly client: { readonly host: string; readonly port: number };
  /** --advertise-client-urls: what MemberList reports for this member. */
  readonly advertiseClientUrls: readonly string[];
  /** Where the peer port listens (--listen-peer-urls). */
  readonly peer: { readonly host: string; readonly port: number };
  /** --initial-cluster, in order: a member's Raft id is its position + 1. */
  readonly cluster: readonly ClusterMember[];
  readonly clusterToken: string;
  readonly maxRequestBytes: number;
  readonly maxTxnOps: number;
  /** --quota-backend-bytes: 0 is etcd's default (2 GiB), negative turns the quota off. */
  readonly quotaBackendBytes?: number;
  /** --auto-compaction-retention / --auto-compaction-mode (absent: off). */
  readonly autoCompaction?: AutoCompaction;
  readonly peerAuth: PeerAuth;
  readonly clientTls?: ClientTls;
  readonly log: Logger;
  readonly onFatal: (error: Error) => void;
  /** Tests may run in memory. */
  readonly storage?: DurableStorage;
}

export const SERVE_DEFAULTS = {
  maxRequestBytes: 1.5 * 1024 * 1024,
  maxTxnOps: DEFAULT_MAX_TXN_OPS,
  clusterToken: 'etcd-cluster',
};

export interface RunningServer {
  readonly clientPort: number;
  readonly peerPort: number;
  readonly server: EtcdServer;
  stop(): Promise<void>;
}

/** A peer URL's host and port (http(s)://host:port). */
export function addressOfUrl(url: string): Address {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

export async function startServer(c: ServeConfig): Promise<RunningServer> {
  const index = c.cluster.findIndex((m) => m.name === c.name);
  if (index < 0) throw new Error(`--initial-cluster has no member named ${c.name}`);
  const members: MemberInfo[] = c.cluster.map((m, i) => ({
    id: memberId(m.peerUrls, c.clusterToken),
    name: m.name,
    peerUrls: m.peerUrls,
    clientUrls: i === index ? c.advertiseClientUrls : [],
    raftId: i + 1,
  }));
  const peers = new Map<number, Address>(
    c.cluster.map((m, i) => [i + 1, i === index ? c.peer : addressOfUrl(m.peerUrls[0] ?? '')]),
  );
  const storage = c.storage ?? (await openWalStorage(join(c.dataDir, 'wal')));
  const clock = monotonicClock();
  const member = await Member.start({
    id: index + 1,
    cluster: `cohort-serve/${c.clusterToken}`,
    peers,
    peerAuth: c.peerAuth,
    storage,
    clock,
    log: c.log,
    onFatal: c.onFatal,
    machine: serverMachineDef({ maxTxnOps: c.maxTxnOps }),
    randomSeed: randomInt(2 ** 31),
  });
  const self = members[index] as MemberInfo;
  const server = new EtcdServer(member, {
    clusterId: clusterId(members.map((m) => m.id)),
    self,
    members,
    clock,
    dataDir: c.dataDir,
    ...(c.quotaBackendBytes !== undefined && { quotaBackendBytes: c.quotaBackendBytes }),
    ...(c.autoCompaction !== undefined && { autoCompaction: c.autoCompaction }),
  });
  const grpc = createGrpcServer(
    server,
    { maxRequestBytes: c.maxRequestBytes, maxTxnOps: c.maxTxnOps },
    c.log,
  );
  // etcd serves clients only once the member has published itself through Raft.
  await server.published;
  const port = await listenClientPort({
    host: c.client.host,
    port: c.client.port,
    grpc,
    http: httpHandler(server, metricsRegistry(server)),
    ...(c.clientTls !== undefined && { tls: c.clientTls }),
  });
  return {
    clientPort: port.port,
    peerPort: member.peerPort,
    server,
    async stop() {
      server.close();
      await port.close();
      grpc.forceShutdown();
      await member.stop();
    },
  };
}
