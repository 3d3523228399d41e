// One member of the coordination server: Raft (algorithms/consensus/raft) replicating the
// server's state machine, hosted by the real runtime — durable storage (the WAL), the
// authenticated peer transport, real timers — with proposal forwarding on, so any member
// accepts writes. The gRPC services (grpc/) talk to it through `propose` (writes and
// linearizable reads, through Raft), `machine` (serializable reads of the applied state)
// and `onApplied` (what each applied command did, for watchers).
//
// Everything the services see is released by the host only after it is durable (host.ts):
// an answer or an applied event never describes a write a crash could take back.
//
// Membership may change at runtime (membership.ts): Raft's servers — the ids it takes
// messages from and may add — and the host's sendable ids are one array this member grows
// (never shrinks: a removed id may still be owed messages until Raft forgets it), from the
// roster and from every configuration Raft appends (a configuration can reach this member
// before the roster entry naming its new voter has applied here).
//
// Fault model: crash-recovery (see host.ts and the WAL); peers are authenticated by the
// transport; a failed disk or a broken assertion stops the member through `onFatal`.

import type { Logger } from 'pino';
import {
  type AdminOp,
  type ClientReplyBody,
  checkClientCommand,
} from '../algorithms/consensus/raft/client-api.js';
import { raft } from '../algorithms/consensus/raft/index.js';
import type {
  MachineOp,
  RaftMachine,
  RaftMachineDef,
} from '../algorithms/consensus/raft/machine.js';
import { parseRaftMessage, type RaftOutput } from '../algorithms/consensus/raft/messages.js';
import {
  defaultRaftOptions,
  type RaftOptions,
  raftConfig,
} from '../algorithms/consensus/raft/options.js';
import { createServer } from '../algorithms/consensus/raft/raft.js';
import { membersOf, type ServerState } from '../algorithms/consensus/raft/state.js';
import type { AnyAlgorithm } from '../core/algorithm.js';
import type { NodeId } from '../core/process.js';
import type { Clock } from '../runtime/clock.js';
import type { DurableStorage } from '../runtime/durable-storage.js';
import type { NodeHost } from '../runtime/host.js';
import { hostOnTransport } from '../runtime/hosted-node.js';
import { OutputLog } from '../runtime/output-log.js';
import type { PeerAuth } from '../runtime/transport/peer-auth.js';
import type { Address } from '../runtime/transport/peer-link.js';
import type { Transport } from '../runtime/transport/transport.js';
import { type ProposalOptions, Proposals } from './proposals.js';

export interface MemberConfig {
  /** Raft's id of this member (1, 2, …). */
  readonly id: NodeId;
  /** Names the cluster on the peer transport (peers of another cluster are refused). */
  readonly cluster: string;
  /** Every known member's peer address (this member's entry is where it listens). */
  readonly peers: ReadonlyMap<NodeId, Address>;
  /** The first configuration's voters (default: every peer; a member joining: none). */
  readonly initialVoters?: readonly NodeId[];
  readonly peerAuth: PeerAuth;
  readonly storage: DurableStorage;
  readonly clock: Clock;
  readonly log: Logger;
  readonly onFatal: (error: Error) => void;
  readonly machine: RaftMachineDef;
  /** Raft's options over the server's defaults (serverRaftOptions). */
  readonly raft?: Partial<RaftOptions>;
  readonly proposals?: Partial<ProposalOptions>;
  /** Seed of `env.random` for this incarnation (crypto-drawn by the caller). */
  readonly randomSeed: number;
}

/** Raft as the server runs it: no simulated clients, forwarding on, etcd-like timing. */
export const SERVER_RAFT_OPTIONS: Partial<RaftOptions> = {
  clients: 0,
  spares: 0,
  requests: 0,
  configChanges: false,
  minVoters: 1,
  forwardCommands: true,
  // The leader writes new entries while followers do (dissertation §10.2.1).
  parallelAppend: true,
  // etcd's defaults: 100 ms heartbeats, 1 s election timeout.
  heartbeatMs: 100,
  electionTimeoutMsMin: 1000,
  electionTimeoutMsMax: 2000,
  snapshotEntries: 10_000,
  maxBatch: 1024,
  maxInflight: 64,
};

const DEFAULT_PROPOSALS: Omit<ProposalOptions, 'sessionTimeoutMs'> = {
  lanes: 1024,
  maxQueued: 16_384,
  attemptMs: 1000,
  timeoutMs: 7000,
};

/**
 * consensus/raft with `machine` in its slot: what the runtime's host runs. `servers` is the
 * member's growing array (see the header); the first configuration is `initialVoters`.
 */
export function serverAlgorithm(
  machine: RaftMachineDef,
  servers: NodeId[],
  initialVoters: readonly NodeId[],
): AnyAlgorithm {
  return {
    ...raft,
    name: 'server/raft',
    create: (id, ctx) =>
      createServer(
        {
          ...raftConfig(ctx.nodes, ctx.options as RaftOptions, machine),
          cluster: { servers, clients: [], initialVoters },
        },
        id,
      ),
    parseMessage: (raw) => parseRaftMessage(raw, machine),
    parseCommand: (raw) => checkClientCommand(raw, machine),
  } as AnyAlgorithm;
}

export type AppliedListener = (index: number, result: unknown) => void;

export class Member {
  readonly proposals: Proposals;
  private readonly applied = new Set<AppliedListener>();

  private constructor(
    private readonly host: NodeHost,
    private readonly transport: Transport,
    private readonly servers: NodeId[],
    readonly id: NodeId,
    readonly peerPort: number,
    proposals: (submit: (command: unknown) => void) => Proposals,
  ) {
    this.proposals = proposals((command) => host.command(command));
    host.outputs.subscribe(({ output }) => this.onOutput(output as RaftOutput));
  }

  static async start(c: MemberConfig): Promise<Member> {
    const options = { ...defaultRaftOptions, ...SERVER_RAFT_OPTIONS, ...c.raft };
    const initialVoters = c.initialVoters ?? [...c.peers.keys()].sort((a, b) => a - b);
    const servers = [...new Set([...c.peers.keys(), ...initialVoters])].sort((a, b) => a - b);
    let member: Member | undefined;
    const { host, transport } = hostOnTransport({
      ...c,
      algorithm: serverAlgorithm(c.machine, servers, initialVoters),
      options,
      seed: 1,
      // Outputs are consumed as they are released; the host keeps no history of them.
      outputs: new OutputLog(1),
      nodes: servers,
      afterDeliver: () => member?.knowMembers(),
    });
    const port = await transport.start();
    const proposalOptions = {
      ...DEFAULT_PROPOSALS,
      sessionTimeoutMs: options.sessionTimeoutMs,
      ...c.proposals,
    };
    member = new Member(
      host,
      transport,
      servers,
      c.id,
      port,
      (submit) => new Proposals(proposalOptions, submit),
    );
    host.start();
    member.knowMembers();
    return member;
  }

  /** Raft may send to `id` from now on; `address` (if known) is where it listens. */
  addPeer(id: NodeId, address?: Address): void {
    this.knowServer(id);
    if (address !== undefined && id !== this.id) this.transport.addPeer(id, address);
  }

  /** Stops dialling a removed member (its id stays known: see the header). */
  removePeer(id: NodeId): void {
    if (id !== this.id) this.transport.removePeer(id);
  }

  /** Where the transport dials each peer. */
  peerAddresses(): Map<NodeId, Address> {
    return this.transport.peers();
  }

  /** Whether the transport has a live link to `id` (etcd's "active since" for a peer). */
  isConnected(id: NodeId): boolean {
    return this.transport.isConnected(id);
  }

  /** Every member (voter or learner) of Raft's latest configuration is a server we may talk to. */
  private knowMembers(): void {
    for (const v of membersOf(this.raftState)) this.knowServer(v);
  }

  private knowServer(id: NodeId): void {
    if (this.servers.includes(id)) return;
    this.servers.push(id);
    this.servers.sort((a, b) => a - b);
  }

  /** Proposes a machine operation through Raft (a write, or a linearizable read). */
  propose(op: MachineOp['op'], read: boolean): Promise<unknown> {
    return this.proposals.propose({ type: 'machine', read, op });
  }

  /** Runs one of Raft's operator commands (a leadership transfer: proposals.ts RaftRefusal). */
  admin(op: AdminOp): Promise<unknown> {
    return this.proposals.propose(op);
  }

  /** Raft's state on this member (role, term, leader, commit and applied indices). */
  get raftState(): ServerState {
    return this.host.state as ServerState;
  }

  /** The applied state machine, for serializable reads (may lag the leader). */
  get machine(): RaftMachine {
    return this.raftState.kv;
  }

  /** Hears every command applied here, in log order, with what it did. */
  onApplied(listener: AppliedListener): () => void {
    this.applied.add(listener);
    return () => this.applied.delete(listener);
  }

  async stop(): Promise<void> {
    this.proposals.close();
    try {
      await this.host.stop();
    } finally {
      await this.transport.close();
    }
  }

  private onOutput(output: RaftOutput): void {
    if (output.type === 'reply') this.proposals.onReply(output.reply as ClientReplyBody<unknown>);
    // A configuration entry (a membership change) applies with no machine result.
    else if (output.type === 'apply' && output.result !== undefined && output.result !== null)
      for (const listener of this.applied) listener(output.index, output.result);
  }
}
