// A Redis Cluster's topology as one node sees it: the text of `CLUSTER NODES` parsed into
// nodes (id, address, flags, master) and their slots, with the slots a node has open for a
// migration (`[slot->-id]` migrating, `[slot-<-id]` importing). Pure; see
// https://redis.io/commands/cluster-nodes/ for the format:
//   <id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot>…
//
// Fault model: the reply comes from a server we do not control (any version, a proxy, a
// non-cluster server): every malformed line or slot is a RebalanceError naming it, never an
// assertion. Ownership built from several nodes' views is checked for conflicts.

import { SLOT_COUNT } from '../partition/slots.js';

export class RebalanceError extends Error {
  override readonly name = 'RebalanceError';
}

export interface ClusterNode {
  readonly id: string;
  /** `ip:port` as the cluster announces it (what MIGRATE and MEET need). */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly flags: readonly string[];
  /** The master's id for a replica; undefined for a master. */
  readonly master: string | undefined;
  readonly slots: readonly number[];
  /** slot → the node id it migrates to / imports from. */
  readonly migrating: ReadonlyMap<number, string>;
  readonly importing: ReadonlyMap<number, string>;
}

const ID = /^[0-9a-f]{40}$/;

function parseSlotToken(token: string, node: Mutable): void {
  const open = /^\[(\d+)-([<>])-([0-9a-f]{40})\]$/.exec(token);
  if (open !== null) {
    const slot = checkSlot(Number(open[1]), token);
    (open[2] === '>' ? node.migrating : node.importing).set(slot, open[3] as string);
    return;
  }
  const range = /^(\d+)(?:-(\d+))?$/.exec(token);
  if (range === null) throw new RebalanceError(`CLUSTER NODES: bad slot '${token}'`);
  const start = checkSlot(Number(range[1]), token);
  const end = checkSlot(Number(range[2] ?? range[1]), token);
  if (end < start) throw new RebalanceError(`CLUSTER NODES: bad slot range '${token}'`);
  for (let s = start; s <= end; s++) node.slots.push(s);
}

function checkSlot(slot: number, token: string): number {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT)
    throw new RebalanceError(`CLUSTER NODES: slot out of range in '${token}'`);
  return slot;
}

interface Mutable {
  slots: number[];
  migrating: Map<number, string>;
  importing: Map<number, string>;
}

function parseLine(line: string): ClusterNode {
  const fields = line.trim().split(/\s+/);
  const [id, addr, flagText, master] = fields;
  if (fields.length < 8 || id === undefined || !ID.test(id))
    throw new RebalanceError(`CLUSTER NODES: bad line '${line.slice(0, 120)}'`);
  // ip:port@cport[,hostname]; IPv6 addresses contain colons, so split at the last one.
  const hostPort = (addr as string).split('@')[0] as string;
  const colon = hostPort.lastIndexOf(':');
  const port = Number(hostPort.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new RebalanceError(`CLUSTER NODES: bad address '${addr}' for ${id}`);
  const host = hostPort.slice(0, colon);
  const node: Mutable = { slots: [], migrating: new Map(), importing: new Map() };
  for (const token of fields.slice(8)) parseSlotToken(token, node);
  return {
    id,
    address: hostPort,
    host,
    port,
    flags: (flagText as string).split(','),
    master: master === '-' || master === undefined ? undefined : master,
    ...node,
  };
}

/** Parses a `CLUSTER NODES` reply; a line per node, `myself` flags the answering node. */
export function parseClusterNodes(text: string): ClusterNode[] {
  if (typeof text !== 'string') throw new RebalanceError('CLUSTER NODES: not a text reply');
  const nodes = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(parseLine);
  const ids = new Set<string>();
  for (const n of nodes) {
    if (ids.has(n.id)) throw new RebalanceError(`CLUSTER NODES: node ${n.id} listed twice`);
    ids.add(n.id);
  }
  return nodes;
}

export const isMaster = (n: ClusterNode): boolean =>
  n.flags.includes('master') && !n.flags.includes('fail') && !n.flags.includes('handshake');

/** The node that answered (flag `myself`). */
export function myself(nodes: readonly ClusterNode[]): ClusterNode {
  const me = nodes.find((n) => n.flags.includes('myself'));
  if (me === undefined) throw new RebalanceError('CLUSTER NODES: no line flagged myself');
  return me;
}

/**
 * Slot → owning node id, from one node's view. Every slot must be owned (a cluster with
 * uncovered slots is not one to rebalance) and no slot may be open for a migration: an
 * interrupted migration is for `redis-cli --cluster fix` to finish first.
 */
export function slotOwners(nodes: readonly ClusterNode[]): string[] {
  const owners: (string | undefined)[] = new Array(SLOT_COUNT).fill(undefined);
  for (const n of nodes) {
    const open = [...n.migrating.keys(), ...n.importing.keys()];
    if (open.length > 0)
      throw new RebalanceError(
        `slot ${open[0]} is open for a migration on ${n.address} (finish it first: ` +
          'redis-cli --cluster fix)',
      );
    for (const s of n.slots) {
      const other = owners[s];
      if (other !== undefined)
        throw new RebalanceError(`slot ${s} is claimed by both ${other} and ${n.id}`);
      owners[s] = n.id;
    }
  }
  const free = owners.indexOf(undefined);
  if (free >= 0) throw new RebalanceError(`slot ${free} has no master: the cluster is not whole`);
  return owners as string[];
}
