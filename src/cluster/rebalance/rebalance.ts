// Rebalancing a live Redis Cluster over the masters a caller lists (`cohort cluster rebalance
// --nodes host:port,…`): read the cluster's topology, add listed nodes that are not yet
// members (empty, cluster-enabled servers: CLUSTER MEET, then wait until every node knows
// every other), plan the fewest slot moves (plan.ts), move slot by slot (migrate-slot.ts),
// and check that every listed master then reports the planned ownership. Masters of the
// cluster that are not listed are drained; they stay in the cluster without slots (Redis 7
// turns a master that lost its last slot into a replica of the node that took it).
//
// Fault model: servers and the node list are untrusted; a failed command stops the run with a
// RebalanceError naming slot and node, leaving at most one slot open (redis-cli --cluster fix
// closes it; a rerun then plans the remaining moves). Waits are bounded by `waitMs`.

import type { RebalancePlan } from '../partition/slot-migration.js';
import { Connections, parseAddress } from './connections.js';
import { type BatchEvent, type MasterInfo, migrateSlot } from './migrate-slot.js';
import { planSlotMoves, type SlotStep, slotSteps } from './plan.js';
import { type ClusterNode, isMaster, myself, RebalanceError, slotOwners } from './topology.js';

export interface RebalanceOptions {
  /** The masters wanted afterwards, `host:port`; at least one must already be a member. */
  readonly nodes: readonly string[];
  /** Plan only: no MEET, no move. */
  readonly dryRun?: boolean;
  readonly batchKeys?: number;
  readonly migrateTimeoutMs?: number;
  /** Bound on waiting for new nodes to join and for the views to agree (default 60 s). */
  readonly waitMs?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly onBatch?: (event: BatchEvent) => void | Promise<void>;
}

export interface ProgressEvent extends SlotStep {
  /** Slots moved so far, this one included, of `total`. */
  readonly done: number;
  readonly total: number;
  readonly keys: number;
}

export interface RebalanceResult {
  readonly plan: RebalancePlan;
  /** Listed nodes that were not members and were added (or would be, in a dry run). */
  readonly added: readonly string[];
  /** Masters drained because they were not listed. */
  readonly drained: readonly string[];
  readonly executed: boolean;
  readonly keysMoved: number;
}

const POLL_MS = 100;

interface Survey {
  /** Listed nodes' own lines (myself), by listed address. */
  readonly listed: Map<string, ClusterNode>;
  /** A member's full view, the cluster's topology. */
  readonly view: ClusterNode[];
  readonly seed: string;
  readonly fresh: string[];
}

async function survey(conns: Connections, nodes: readonly string[]): Promise<Survey> {
  const listed = new Map<string, ClusterNode>();
  const views = new Map<string, ClusterNode[]>();
  for (const address of nodes) {
    const view = await conns.view(address);
    views.set(address, view);
    listed.set(address, myself(view));
  }
  const member = (a: string) => {
    const v = views.get(a) as ClusterNode[];
    return v.length > 1 || myself(v).slots.length > 0;
  };
  const seed = nodes.find(member);
  if (seed === undefined) throw new RebalanceError('no listed node is a member of a cluster');
  const view = views.get(seed) as ClusterNode[];
  const fresh: string[] = [];
  for (const [address, me] of listed) {
    if (!view.some((n) => n.id === me.id)) {
      if (member(address))
        throw new RebalanceError(`${address} belongs to another cluster than ${seed}`);
      fresh.push(address);
    } else if (!me.flags.includes('master'))
      throw new RebalanceError(`${address} is a replica: list masters only`);
  }
  for (const address of fresh) {
    const keys = Number(await conns.call(address, ['DBSIZE']));
    if (keys > 0) throw new RebalanceError(`${address} is not empty (${keys} keys): not added`);
  }
  return { listed, view, seed, fresh };
}

async function poll(what: string, waitMs: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new RebalanceError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * CLUSTER MEET from each fresh node to the seed; waits until every node knows all of them and
 * reports cluster_state:ok — a node that has not yet learned who owns every slot answers
 * CLUSTERDOWN, and MIGRATE into it would fail.
 */
async function join(conns: Connections, s: Survey, waitMs: number): Promise<ClusterNode[]> {
  const seedNode = myself(await conns.view(s.seed));
  for (const address of s.fresh)
    await conns.call(address, ['CLUSTER', 'MEET', seedNode.host, String(seedNode.port)]);
  const everyone = [...new Set([s.seed, ...s.listed.keys()])];
  let view: ClusterNode[] = [];
  await poll('new nodes to join the cluster', waitMs, async () => {
    const views = await Promise.all(everyone.map((a) => conns.view(a)));
    const ids = new Set(views.flatMap((v) => v.map((n) => n.id)));
    view = views[0] as ClusterNode[];
    const known = views.every(
      (v) => v.length === ids.size && v.every((n) => !/handshake|noaddr/.test(n.flags.join())),
    );
    if (!known) return false;
    const infos = await Promise.all(everyone.map((a) => conns.call(a, ['CLUSTER', 'INFO'])));
    return infos.every((info) => String(info).includes('cluster_state:ok'));
  });
  return view;
}

function masterInfos(view: readonly ClusterNode[], listed: Map<string, ClusterNode>) {
  const nameOf = new Map([...listed].map(([address, n]) => [n.id, address]));
  const masters = new Map<string, MasterInfo>();
  for (const n of view.filter(isMaster))
    masters.set(nameOf.get(n.id) ?? n.address, { id: n.id, announced: n.address });
  return { masters, nameOf: (id: string) => nameOf.get(id) ?? nodeAddress(view, id) };
}

function nodeAddress(view: readonly ClusterNode[], id: string): string {
  const node = view.find((n) => n.id === id);
  if (node === undefined) throw new RebalanceError(`slot owner ${id} is not in the view`);
  return node.address;
}

export async function rebalance(options: RebalanceOptions): Promise<RebalanceResult> {
  for (const address of options.nodes) parseAddress(address);
  const waitMs = options.waitMs ?? 60_000;
  const conns = new Connections();
  try {
    const s = await survey(conns, options.nodes);
    const view = options.dryRun || s.fresh.length === 0 ? s.view : await join(conns, s, waitMs);
    const { masters, nameOf } = masterInfos(view, s.listed);
    const plan = planSlotMoves(slotOwners(view).map(nameOf), options.nodes);
    const drained = [...masters.keys()].filter(
      (m) => !options.nodes.includes(m) && plan.moves.some((mv) => mv.source === m),
    );
    const result = { plan, added: s.fresh, drained, executed: false, keysMoved: 0 };
    if (options.dryRun) return result;
    const steps = slotSteps(plan);
    let keysMoved = 0;
    for (const [i, step] of steps.entries()) {
      const keys = await migrateSlot(conns, masters, step, {
        batchKeys: options.batchKeys ?? 10,
        timeoutMs: options.migrateTimeoutMs ?? 60_000,
        ...(options.onBatch && { onBatch: options.onBatch }),
      });
      keysMoved += keys;
      options.onProgress?.({ ...step, done: i + 1, total: steps.length, keys });
    }
    await verify(conns, plan, options.nodes, nameOf, waitMs);
    return { ...result, executed: true, keysMoved };
  } finally {
    conns.close();
  }
}

/** Every listed master reports the planned owner for every slot. */
async function verify(
  conns: Connections,
  plan: RebalancePlan,
  nodes: readonly string[],
  nameOf: (id: string) => string,
  waitMs: number,
): Promise<void> {
  const { after } = plan;
  await poll('every master to report the new slot owners', waitMs, async () => {
    for (const address of nodes) {
      const owners = slotOwners(await conns.view(address));
      for (let slot = 0; slot < owners.length; slot++)
        if (nameOf(owners[slot] as string) !== after.masters[after.owner[slot] as number])
          return false;
    }
    return true;
  });
}
