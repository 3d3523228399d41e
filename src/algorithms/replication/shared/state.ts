// The state every node of replication/primary-backup and replication/chain shares. Node 1
// is the configuration master (view, safe set, failure detector); nodes 2..n are replicas,
// each also hosting one client. One state type for both roles keeps the kernel's one
// printable state per node; a replica leaves the master's fields empty and vice versa.
//
// Durable: the view (the master's is the truth, a replica's is the newest it heard), the
// log, the master's safe set, the client's seq, and `started` (a restart is told from the
// first start). `installed` is volatile ON PURPOSE: a restarted replica serves nothing and
// acknowledges nothing until the master puts it in a new view and it installs that view's
// state — a restart is a fail-stop crash followed by a join.

import type { NodeId } from '../../../core/process.js';
import type { Applied, View } from './log.js';

/** The master always runs on node 1; replicas are 2..n. */
export const MASTER: NodeId = 1;

export interface ClientOp {
  readonly seq: number;
  readonly key: string;
  /** What a put writes; null for a get. */
  readonly value: string | null;
}

export interface ClientState {
  /** 'work': the workload; 'final': reading every key once; 'done'. */
  phase: 'work' | 'final' | 'done';
  /** Operations the workload started in this incarnation. */
  started: number;
  /** Next key index of the final reads. */
  finalKey: number;
  /** Whether the `next` timer now ends the pause before an operation. */
  pausing: boolean;
  /** The operation in flight (one at a time), or null. */
  op: ClientOp | null;
}

export interface ReplicationStats {
  /** Client operations given up after `timeoutMs` (they stay indeterminate). */
  abandoned: number;
  /** Views the master issued (master only). */
  views: number;
}

export interface ReplicationState extends Applied {
  /** Durable. The master's configuration, or the newest a replica has heard. */
  view: View;
  /** The epoch whose state this replica installed (0: none since it started). Volatile. */
  installed: number;
  /** Durable: whether this node ran before (a restart rejoins instead of resuming). */
  started: boolean;
  /** A restarted replica until it installs a view: it tells the master so in every Pong. */
  rejoining: boolean;
  /** The client's last sequence number (durable: written values stay unique). */
  seq: number;
  client: ClientState;
  /** Master, durable: members known to hold every committed entry (see master.ts). */
  safe: NodeId[];
  /** Master: when each replica last answered (index id − 2), in local ms. */
  heard: number[];
  /** Master: replicas whose last Pong said they restarted and wait to rejoin. */
  rejoin: NodeId[];
  stats: ReplicationStats;
}

/** The first view: every replica, in id order, all installed with an empty log. */
export function initialView(n: number): View {
  return { epoch: 1, members: Array.from({ length: n - 1 }, (_, i) => i + 2) };
}

export function initReplicationState(n: number): ReplicationState {
  return {
    log: [],
    store: {},
    lastSeq: {},
    view: initialView(n),
    installed: 0,
    started: false,
    rejoining: false,
    seq: 0,
    client: { phase: 'work', started: 0, finalKey: 0, pausing: false, op: null },
    safe: [],
    heard: [],
    rejoin: [],
    stats: { abandoned: 0, views: 0 },
  };
}

/** Whether this replica acts in its view: it installed the newest view it knows. */
export function isInstalled(s: ReplicationState, id: NodeId): boolean {
  return s.installed === s.view.epoch && s.installed > 0 && s.view.members.includes(id);
}
