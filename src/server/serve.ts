// Starts one member of the coordination server: the write-ahead log in the data directory,
// the Raft member with the MVCC machine, etcd's gRPC services and HTTP endpoints on the
// client port. `cohort serve` (cli/serve-command.ts) parses etcd's flags into a ServeConfig;
// tests and benchmarks call `startServer` directly.
//
// Raft ids: a new data directory derives every member's from its peer URLs and the token
// (identity.ts raftIdOf) and records its own in <data-dir>/member.json; a data directory
// written before that (a WAL, no member.json) keeps the positional ids (position in
// --initial-cluster + 1), as do clusters whose peer certificates name positional nodes.
// --initial-cluster-state existing joins a running cluster: the member starts with no
// configuration of its own, waits to be replicated to (a snapshot or the log from the
// leader), and learns its etcd id from the roster before it serves.
//
// Fault model: the process may be killed at any instant (the WAL recovers whole steps);
// a failed disk or a broken assertion stops the member through `onFatal`.

import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { clusterId, memberId, raftIdOf } from './identity.js';
import { type ServerMachine, serverMachineDef } from './machine.js';
import { Member } from './member.js';
import { addressOfUrl, Membership } from './membership.js';
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
  /** --initial-cluster-state: 'existing' joins a running cluster (default 'new'). */
  readonly initialClusterState?: 'new' | 'existing';
  /** Raft ids by position in --initial-cluster (peer certificates name them so). */
  readonly positionalIds?: boolean;
  /** This member was removed from the cluster: stop it (default: onFatal). */
  readonly onRemoved?: () => void;
}

/** What <data-dir>/member.json keeps: this member's Raft id, and whether it joined. */
export interface MemberFile {
  readonly raftId: number;
  readonly joined: boolean;
}

function readMemberFile(dataDir: string): MemberFile | undefined {
  const file = join(dataDir, 'member.json');
  if (!existsSync(file)) return undefined;
  const x = JSON.parse(readFileSync(file, 'utf8')) as Partial<MemberFile>;
  if (typeof x.raftId !== 'number' || !Number.isSafeInteger(x.raftId) || x.raftId < 1)
    throw new Error(`${file}: no valid raftId`);
  return { raftId: x.raftId, joined: x.joined === true };
}

/** Records this member's Raft id (here, and in a data dir `cohort snapshot restore` makes). */
export function writeMemberFile(dataDir: string, self: MemberFile): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'member.json'), `${JSON.stringify(self)}\n`);
}

function hasWal(dataDir: string): boolean {
  const wal = join(dataDir, 'wal');
  return existsSync(wal) && readdirSync(wal).length > 0;
}

/** Every --initial-cluster member's Raft id, and this member's record. */
function raftIds(c: ServeConfig, index: number): { ids: number[]; self: MemberFile } {
  const recorded = c.storage === undefined ? readMemberFile(c.dataDir) : undefined;
  const legacy = c.positionalIds === true || (recorded === undefined && hasWal(c.dataDir));
  const ids = c.cluster.map((m, i) => (legacy ? i + 1 : raftIdOf(m.peerUrls, c.clusterToken)));
  if (new Set(ids).size !== ids.length)
    throw new Error('--initial-cluster: two members share a Raft id (give other peer URLs)');
  const joining = c.initialClusterState === 'existing' && !hasWal(c.dataDir);
  const self = recorded ?? { raftId: ids[index] as number, joined: joining };
  if (recorded === undefined && c.storage === undefined && !legacy) {
    writeMemberFile(c.dataDir, self);
  }
  return { ids, self };
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

export { addressOfUrl };

/** A joining member waits until the roster names its Raft id: that entry holds its etcd id. */
async function selfFromRoster(member: Member, closed: () => boolean): Promise<bigint> {
  for (;;) {
    const machine = member.machine as ServerMachine;
    const me = machine.cluster.rosterMembers().find((m) => m.raftId === member.id);
    if (me !== undefined) return me.ID;
    if (closed()) throw new Error('stopped before joining');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startServer(c: ServeConfig): Promise<RunningServer> {
  const index = c.cluster.findIndex((m) => m.name === c.name);
  if (index < 0) throw new Error(`--initial-cluster has no member named ${c.name}`);
  const { ids, self: record } = raftIds(c, index);
  const members: MemberInfo[] = c.cluster.map((m, i) => ({
    id: memberId(m.peerUrls, c.clusterToken),
    name: m.name,
    peerUrls: m.peerUrls,
    clientUrls: i === index ? c.advertiseClientUrls : [],
    raftId: ids[i] as number,
  }));
  const peers = new Map<number, Address>(
    c.cluster.map((m, i) => [
      ids[i] as number,
      i === index ? c.peer : addressOfUrl(m.peerUrls[0] ?? ''),
    ]),
  );
  peers.set(record.raftId, c.peer);
  // A torn tail cut on recovery is worth a line in the log (as `cohort node` and etcd say).
  const storage =
    c.storage ??
    (await openWalStorage(join(c.dataDir, 'wal'), {
      onWarning: (text) => c.log.warn(`write-ahead log recovery: ${text}`),
    }));
  const clock = monotonicClock();
  const member = await Member.start({
    id: record.raftId,
    cluster: `cohort-serve/${c.clusterToken}`,
    peers,
    // A joining member has no configuration of its own: it never campaigns before the
    // leader's log (or snapshot) gives it the cluster's.
    initialVoters: record.joined ? [] : [...ids].sort((a, b) => a - b),
    peerAuth: c.peerAuth,
    storage,
    clock,
    log: c.log,
    onFatal: c.onFatal,
    machine: serverMachineDef({ maxTxnOps: c.maxTxnOps }),
    randomSeed: randomInt(2 ** 31),
  });
  let stopped = false;
  let selfId: bigint | undefined = record.joined ? undefined : members[index]?.id;
  const membership = new Membership({
    member,
    token: c.clusterToken,
    log: c.log,
    clock,
    selfId: () => selfId,
    onRemoved:
      c.onRemoved ??
      (() => c.onFatal(new Error('the member has been permanently removed from the cluster'))),
  });
  if (!record.joined) bootstrapRoster(member, members, () => stopped);
  else selfId = await selfFromRoster(member, () => stopped);
  const cluster = (member.machine as ServerMachine).cluster;
  const self: MemberInfo = {
    id: selfId as bigint,
    name: c.name,
    peerUrls: c.cluster[index]?.peerUrls ?? [],
    clientUrls: c.advertiseClientUrls,
    raftId: record.raftId,
  };
  const server = new EtcdServer(member, {
    clusterId: record.joined ? cluster.clusterId : clusterId(members.map((m) => m.id)),
    self,
    members: record.joined ? [self] : members,
    membership,
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
      stopped = true;
      membership.close();
      server.close();
      await port.close();
      grpc.forceShutdown();
      await member.stop();
    },
  };
}

/**
 * The first members write --initial-cluster into the roster (etcd's bootstrap ConfChanges):
 * every one proposes it, the first to apply wins, retried until one has applied.
 */
function bootstrapRoster(member: Member, members: readonly MemberInfo[], closed: () => boolean) {
  const command = {
    type: 'bootstrapMembers',
    request: {
      members: members.map((m) => ({ ID: m.id, raftId: m.raftId, peerURLs: [...m.peerUrls] })),
    },
  };
  const attempt = () => {
    if (closed() || (member.machine as ServerMachine).cluster.hasRoster) return;
    member.propose(command, false).then(
      () => {},
      () => setTimeout(attempt, 500).unref(),
    );
  };
  attempt();
}
