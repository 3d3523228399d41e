// Many Raft groups in one broker process, multiplexed over ONE peer transport: the metadata
// group and one group per topic partition (replicated-machine.ts, replicated-meta.ts). Each
// group is the coordination server's Raft hosting (server/member.ts): consensus/raft with a
// machine in its slot, a NodeHost (durable before release), Proposals (client sessions,
// retries, forwarding to the leader) — with its own write-ahead log under
// <data-dir>/raft/<group>/, so groups recover independently and their steps never mix.
//
// Why one transport and not one per group: a broker is then one peer address (the same
// `--peers 1=host:port,…` as `cohort node`), whatever topics are created later; groups
// appear at runtime, and a port per group would need a port range reserved up front. A
// peer message travels as { type: 'g', g: <group>, m: <Raft message> }; the group's own
// parser (the host's) validates `m`. Every group has every broker as a voter (the
// replication factor is the cluster size), and leaders spread by election timing alone.
//
// Fault model: crash-recovery per group (each WAL recovers its synced steps); a peer message
// for a group this process has not opened yet (its metadata entry not applied here) is
// dropped — Raft sends again; a malformed envelope is dropped and counted. A failed disk or
// a broken assertion in any group stops the broker (`onFatal`).

import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ClientReplyBody } from '../../algorithms/consensus/raft/client-api.js';
import type { RaftMachineDef } from '../../algorithms/consensus/raft/machine.js';
import type { RaftOutput } from '../../algorithms/consensus/raft/messages.js';
import { defaultRaftOptions, type RaftOptions } from '../../algorithms/consensus/raft/options.js';
import type { ServerState } from '../../algorithms/consensus/raft/state.js';
import type { Message, NodeId } from '../../core/process.js';
import { isRecord } from '../../core/validate.js';
import { monotonicClock } from '../../runtime/clock.js';
import { NodeHost } from '../../runtime/host.js';
import { isWarning } from '../../runtime/hosted-node.js';
import { OutputLog } from '../../runtime/output-log.js';
import type { PeerAuth } from '../../runtime/transport/peer-auth.js';
import type { Address } from '../../runtime/transport/peer-link.js';
import { Transport } from '../../runtime/transport/transport.js';
import { openWalStorage } from '../../runtime/wal/index.js';
import { SERVER_RAFT_OPTIONS, serverAlgorithm } from '../../server/member.js';
import { Proposals } from '../../server/proposals.js';

export interface RaftGroupsConfig {
  readonly id: NodeId;
  /** Names the cluster on the peer transport (peers of another cluster are refused). */
  readonly cluster: string;
  /** Every broker's peer address (this one's entry is where it listens). */
  readonly peers: ReadonlyMap<NodeId, Address>;
  readonly peerAuth: PeerAuth;
  /** Where each group's write-ahead log lives (<dir>/<group dir>/). */
  readonly dir: string;
  readonly log: Logger;
  readonly onFatal: (error: Error) => void;
  /** Raft's options over the coordination server's (SERVER_RAFT_OPTIONS). */
  readonly raft?: Partial<RaftOptions>;
}

const GROUP_NAME = /^(meta|[A-Za-z0-9._-]{1,200}\/\d{1,3})$/;

/** One Raft group of this process. */
export class RaftGroup {
  readonly proposals: Proposals;

  constructor(
    readonly name: string,
    readonly host: NodeHost,
    options: RaftOptions,
  ) {
    this.proposals = new Proposals(
      { lanes: 256, maxQueued: 16_384, attemptMs: 1000, timeoutMs: 7000, ...options },
      (command) => host.command(command),
    );
    host.outputs.subscribe(({ output }) => {
      const o = output as RaftOutput;
      if (o.type === 'reply') this.proposals.onReply(o.reply as ClientReplyBody<unknown>);
    });
  }

  get raft(): ServerState {
    return this.host.state as ServerState;
  }

  /** The leader this member believes in (itself when it leads), or null during an election. */
  get leader(): NodeId | null {
    const s = this.raft;
    return s.role === 'leader' ? s.id : s.leaderId;
  }

  get isLeader(): boolean {
    return this.raft.role === 'leader';
  }

  /** Proposes a machine operation (a logged write, or a read after a ReadIndex). */
  propose(op: unknown, read: boolean): Promise<unknown> {
    return this.proposals.propose({ type: 'machine', read, op });
  }

  async stop(): Promise<void> {
    this.proposals.close();
    await this.host.stop();
  }
}

export class RaftGroups {
  private readonly groups = new Map<string, RaftGroup>();
  private readonly opening = new Map<string, Promise<RaftGroup>>();
  private readonly options: RaftOptions;
  private readonly servers: NodeId[];
  /** The clock every group's host stamps log entries with (the coordinator's expiry reads it). */
  readonly clock = monotonicClock();
  private stopped = false;
  /** Peer messages dropped: a malformed envelope, or a group not open here. */
  readonly dropped = { malformed: 0, unknownGroup: 0 };

  private constructor(
    private readonly c: RaftGroupsConfig,
    private readonly transport: Transport,
  ) {
    this.options = { ...defaultRaftOptions, ...SERVER_RAFT_OPTIONS, ...c.raft };
    this.servers = [...c.peers.keys()].sort((a, b) => a - b);
  }

  static async start(c: RaftGroupsConfig): Promise<{ groups: RaftGroups; port: number }> {
    const self = c.peers.get(c.id);
    if (self === undefined) throw new Error(`the peer list has no address for broker ${c.id}`);
    let groups: RaftGroups | undefined;
    const transport = new Transport({
      cluster: c.cluster,
      self: c.id,
      peers: c.peers,
      listen: self,
      auth: c.peerAuth,
      log: c.log,
      onMessage: (from, message) => groups?.deliver(from, message),
    });
    groups = new RaftGroups(c, transport);
    const port = await transport.start();
    return { groups, port };
  }

  get(name: string): RaftGroup | undefined {
    return this.groups.get(name);
  }

  names(): string[] {
    return [...this.groups.keys()];
  }

  /** Opens (recovers or creates) the group `name` with `machine` in Raft's slot. */
  open(name: string, dirName: string, machine: RaftMachineDef): Promise<RaftGroup> {
    const known = this.groups.get(name) ?? this.opening.get(name);
    if (known !== undefined) return Promise.resolve(known);
    const p = this.create(name, dirName, machine).finally(() => this.opening.delete(name));
    this.opening.set(name, p);
    return p;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.opening.values()]);
    try {
      await Promise.all([...this.groups.values()].map((g) => g.stop()));
    } finally {
      await this.transport.close();
    }
  }

  private async create(name: string, dirName: string, machine: RaftMachineDef): Promise<RaftGroup> {
    const c = this.c;
    const storage = await openWalStorage(join(c.dir, dirName), {
      onWarning: (text) => c.log.warn({ group: name }, `write-ahead log recovery: ${text}`),
    });
    if (this.stopped) {
      await storage.close();
      throw new Error('stopped');
    }
    const host = new NodeHost({
      algorithm: serverAlgorithm(machine, this.servers, this.servers),
      id: c.id,
      nodes: this.servers,
      options: this.options,
      seed: 1,
      randomSeed: randomInt(2 ** 31),
      storage,
      clock: this.clock,
      outputs: new OutputLog(1),
      transmit: (to, m) => this.transport.send(to, { type: 'g', g: name, m } as Message),
      onFatal: c.onFatal,
      onDrop: (from, type) => c.log.warn({ from, type, group: name }, 'malformed message dropped'),
    });
    host.outputs.subscribe((record) => {
      if (isWarning(record.output)) c.log.warn({ group: name, output: record.output }, 'output');
    });
    const group = new RaftGroup(name, host, this.options);
    this.groups.set(name, group);
    host.start();
    return group;
  }

  private deliver(from: NodeId, message: Message): void {
    const env = message as unknown as Record<string, unknown>;
    if (!isRecord(env) || typeof env.g !== 'string' || !GROUP_NAME.test(env.g)) {
      this.dropped.malformed++;
      return;
    }
    const group = this.groups.get(env.g);
    if (group === undefined) {
      this.dropped.unknownGroup++;
      return;
    }
    group.host.deliver(from, env.m);
  }
}
