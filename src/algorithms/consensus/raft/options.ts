// Options of consensus/raft: cluster shape (servers, client nodes, spare servers outside the
// first configuration), timing (§5.2, §9.3), the dissertation's optional mechanisms
// (pre-vote and check-quorum §9.6, read mode §6.4), log compaction (§7), flow control, and
// the simulated client workload.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { kvMachineDef, type RaftMachineDef } from './machine.js';

export const raftOptionSpecs = {
  clients: {
    kind: 'int',
    default: 3,
    min: 0,
    max: 64,
    description: 'client nodes (the last ids); --nodes counts servers and clients',
  },
  spares: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 16,
    description: 'servers (before the clients) left out of the first configuration',
  },
  requests: { kind: 'int', default: 20, min: 0, max: 100_000, description: 'ops per client' },
  keys: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 1000,
    description: 'distinct keys the workload uses',
  },
  thinkMs: { kind: 'int', default: 20, min: 0, max: 600_000, description: 'mean client pause' },
  clientTimeoutMs: {
    kind: 'int',
    default: 400,
    min: 1,
    max: 600_000,
    description: 'a client retries (at the next server) after this long without an answer',
  },
  configChanges: {
    kind: 'bool',
    default: true,
    description: 'the first client also adds/removes servers and transfers leadership',
  },
  learnerChanges: {
    kind: 'bool',
    default: false,
    description: 'with configChanges, the first client also adds learners and promotes them',
  },
  minVoters: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 64,
    description: 'operator guard: a remove-server leaving fewer voters is rejected',
  },
  electionTimeoutMsMin: { kind: 'int', default: 150, min: 1, max: 600_000, description: '§5.2' },
  electionTimeoutMsMax: { kind: 'int', default: 300, min: 1, max: 600_000, description: '§5.2' },
  heartbeatMs: { kind: 'int', default: 50, min: 1, max: 600_000, description: 'leader heartbeat' },
  preVote: { kind: 'bool', default: true, description: 'dissertation §9.6 pre-vote' },
  checkQuorum: {
    kind: 'bool',
    default: true,
    description: 'leaders step down without a live quorum; voters honour a leader lease (§9.6)',
  },
  readMode: {
    kind: 'choice',
    default: 'read-index',
    choices: ['read-index', 'lease'],
    description: 'linearizable reads by ReadIndex, or by leader lease (needs check-quorum) §6.4',
  },
  clockDriftPpm: {
    kind: 'int',
    default: 100_000,
    min: 0,
    max: 500_000,
    description: 'lease reads assume clocks drift apart by at most this many parts per million',
  },
  snapshotEntries: {
    kind: 'int',
    default: 64,
    min: 0,
    max: 1_000_000,
    description: 'snapshot once this many applied entries follow the last snapshot (0 = never)',
  },
  sessionTimeoutMs: {
    kind: 'int',
    default: 600_000,
    min: 1,
    max: 2_592_000_000,
    description: 'a client session idle this long in log time expires (§6.3)',
  },
  maxSessions: {
    kind: 'int',
    default: 4096,
    min: 1,
    max: 1_000_000,
    description: 'beyond this many client sessions the least recently used expire (§6.3)',
  },
  forwardCommands: {
    kind: 'bool',
    default: false,
    description:
      "a follower forwards its host's commands to the leader (etcd's proposal forwarding)",
  },
  parallelAppend: {
    kind: 'bool',
    default: false,
    description:
      'the leader sends new entries while it writes them, counting its own copy once durable (dissertation §10.2.1)',
  },
  maxInflight: { kind: 'int', default: 8, min: 1, max: 1024, description: 'pipelined appends' },
  maxBatch: { kind: 'int', default: 64, min: 1, max: 100_000, description: 'entries per append' },
} as const satisfies OptionSpecs;

export type RaftOptions = OptionsOf<typeof raftOptionSpecs>;

/** Servers are ids 1..servers; clients follow. */
export interface Cluster {
  readonly servers: readonly number[];
  readonly clients: readonly number[];
  /** The bootstrap configuration: every server but the spares. */
  readonly initialVoters: readonly number[];
}

export function clusterOf(nodes: readonly NodeId[], o: RaftOptions): Cluster {
  const serverCount = Math.max(1, nodes.length - o.clients);
  const servers = nodes.slice(0, serverCount);
  const voterCount = Math.max(1, serverCount - o.spares);
  return {
    servers,
    clients: nodes.slice(serverCount),
    initialVoters: servers.slice(0, voterCount),
  };
}

/**
 * Fixed for a run: the options and the cluster shape, what every handler reads as `x.c`
 * (the options stay flat so that `c.heartbeatMs` reads like the option it is).
 */
export interface RaftConfig extends RaftOptions {
  readonly cluster: Cluster;
  /** The replicated state machine (machine.ts): the key-value machine unless a host says. */
  readonly machine: RaftMachineDef;
}

export function raftConfig(
  nodes: readonly NodeId[],
  o: RaftOptions,
  machine: RaftMachineDef = kvMachineDef as unknown as RaftMachineDef,
): RaftConfig {
  return { ...o, cluster: clusterOf(nodes, o), machine };
}

/** Every option at its default, for hosts of the server outside this spec (election/raft). */
export const defaultRaftOptions = Object.fromEntries(
  Object.entries(raftOptionSpecs).map(([name, spec]) => [name, spec.default]),
) as unknown as RaftOptions;
