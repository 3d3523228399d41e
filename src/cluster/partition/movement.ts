// Movement and balance, measured: map many keys with a scheme, change the node set by one
// node (added or removed), map them again, and count the keys whose node changed against the
// scheme's expectation and against the minimum any scheme must move (the keys the new node
// ends up with, or the keys the removed node held). Load balance is max/mean and the standard
// deviation of keys per node. The keys are "key:0", "key:1", …, so a report is reproducible.
//
// How a change is applied per scheme: modn and ring and rendezvous add a node at the end or
// drop one from the list; jump can only grow or shrink at the end, so removing a node from
// the middle moves the last node into its bucket (≈ 2/N of keys move instead of 1/N); slots
// follows planRebalance (the fewest slot moves, slot-migration.ts).
//
// Fault model: the node list, weights, vnodes and key count are validated; memory is one
// node index per key (Uint32Array), bounded by MAX_KEYS.

import { DEFAULT_HASH, type HashName } from './hash.js';
import { jumpPartitioner } from './jump.js';
import { ketamaPartitioner } from './ketama.js';
import { modNPartitioner } from './mod-n.js';
import { checkNodes, PartitionError } from './nodes.js';
import type { Partitioner, Scheme } from './partitioner.js';
import { rendezvousPartitioner } from './rendezvous.js';
import { DEFAULT_VNODES, ringPartitioner } from './ring.js';
import { planRebalance } from './slot-migration.js';
import { assignSlots, SLOT_COUNT, slotPartitioner } from './slots.js';

export const MAX_KEYS = 10_000_000;

export interface SchemeConfig {
  readonly scheme: Scheme;
  readonly hash?: HashName;
  /** ring only (default 100). */
  readonly vnodes?: number;
}

export interface NodeSet {
  readonly names: readonly string[];
  /** ring and rendezvous only. */
  readonly weights?: readonly number[];
}

export type Change =
  | { readonly add: string; readonly weight?: number }
  | { readonly remove: string };

export interface NodeLoad {
  readonly node: string;
  readonly keys: number;
  readonly share: number;
}

export interface LoadStats {
  readonly perNode: readonly NodeLoad[];
  readonly mean: number;
  readonly max: number;
  readonly maxOverMean: number;
  readonly stddev: number;
  readonly stddevOverMean: number;
}

export interface Movement {
  readonly change: Change;
  readonly after: LoadStats;
  readonly movedKeys: number;
  readonly movedFraction: number;
  /** What the scheme moves in expectation, and the formula it comes from. */
  readonly expectedFraction: number;
  readonly expectedFormula: string;
  /** The least any scheme could move: keys the new node holds, or the removed node held. */
  readonly minimalFraction: number;
  /** slots only: slots that changed master. */
  readonly slotsMoved?: number;
}

export interface PartitionReport {
  readonly scheme: Scheme;
  /** slots hash with CRC16/XMODEM, whatever the config says. */
  readonly hash: HashName | 'crc16';
  readonly vnodes?: number;
  readonly keys: number;
  readonly nodes: readonly string[];
  readonly weights?: readonly number[];
  readonly before: LoadStats;
  readonly movement?: Movement;
}

/** The partitioner for a scheme over a node set (slots: redis-cli's layout). */
export function createPartitioner(config: SchemeConfig, set: NodeSet): Partitioner {
  const hash = config.hash ?? DEFAULT_HASH;
  switch (config.scheme) {
    case 'modn':
      return modNPartitioner(withoutWeights('modn', set), { hash });
    case 'ring':
      return ringPartitioner(set.names, { hash, vnodes: config.vnodes, weights: set.weights });
    case 'jump':
      return jumpPartitioner(withoutWeights('jump', set), { hash });
    case 'ketama':
      // libketama's layout: MD5 points, 160 per server scaled by weight (hash and vnodes fixed).
      return ketamaPartitioner(set.names, { weights: set.weights });
    case 'rendezvous':
      return rendezvousPartitioner(set.names, { hash, weights: set.weights });
    case 'slots':
      return slotPartitioner(assignSlots(withoutWeights('slots', set)));
  }
}

function withoutWeights(scheme: string, set: NodeSet): readonly string[] {
  checkNodes(set.names, set.weights);
  if (set.weights?.some((w) => w !== 1)) throw new PartitionError(`${scheme} takes no weights`);
  return set.names;
}

/** Maps "key:0" … "key:(count − 1)"; returns each key's node index. */
function mapKeys(p: Partitioner, count: number): Uint32Array {
  const index = new Map(p.nodes.map((name, i) => [name, i]));
  const out = new Uint32Array(count);
  for (let k = 0; k < count; k++) out[k] = index.get(p.nodeFor(`key:${k}`)) as number;
  return out;
}

export function loadStats(nodes: readonly string[], assignment: Uint32Array): LoadStats {
  const counts = nodes.map(() => 0);
  for (const i of assignment) counts[i] = (counts[i] as number) + 1;
  const total = assignment.length;
  const mean = total / nodes.length;
  const max = Math.max(...counts);
  const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / nodes.length;
  const stddev = Math.sqrt(variance);
  return {
    perNode: nodes.map((node, i) => ({
      node,
      keys: counts[i] as number,
      share: total === 0 ? 0 : (counts[i] as number) / total,
    })),
    mean,
    max,
    maxOverMean: mean === 0 ? 0 : max / mean,
    stddev,
    stddevOverMean: mean === 0 ? 0 : stddev / mean,
  };
}

export function analysePartitioning(
  config: SchemeConfig,
  set: NodeSet,
  keys: number,
  change?: Change,
): PartitionReport {
  if (!Number.isSafeInteger(keys) || keys < 1 || keys > MAX_KEYS)
    throw new PartitionError(`keys must be an integer in 1..${MAX_KEYS}, got ${keys}`);
  const before = createPartitioner(config, set);
  const assigned = mapKeys(before, keys);
  const report: PartitionReport = {
    scheme: config.scheme,
    hash:
      config.scheme === 'slots'
        ? 'crc16'
        : config.scheme === 'ketama'
          ? 'md5'
          : (config.hash ?? DEFAULT_HASH),
    ...(config.scheme === 'ring' ? { vnodes: config.vnodes ?? DEFAULT_VNODES } : {}),
    keys,
    nodes: before.nodes,
    ...(set.weights !== undefined ? { weights: set.weights } : {}),
    before: loadStats(before.nodes, assigned),
  };
  if (change === undefined) return report;
  return { ...report, movement: measureChange(config, set, before, assigned, change) };
}

interface Changed {
  readonly after: Partitioner;
  readonly expectedFraction: number;
  readonly expectedFormula: string;
  readonly slotsMoved?: number;
}

function measureChange(
  config: SchemeConfig,
  set: NodeSet,
  before: Partitioner,
  assigned: Uint32Array,
  change: Change,
): Movement {
  const changed = applyChange(config, set, change);
  const now = mapKeys(changed.after, assigned.length);
  let moved = 0;
  for (let k = 0; k < now.length; k++)
    if (changed.after.nodes[now[k] as number] !== before.nodes[assigned[k] as number]) moved++;
  const after = loadStats(changed.after.nodes, now);
  const minimal =
    'add' in change
      ? (after.perNode.find((l) => l.node === change.add)?.share ?? 0)
      : (loadStats(before.nodes, assigned).perNode.find((l) => l.node === change.remove)?.share ??
        0);
  return {
    change,
    after,
    movedKeys: moved,
    movedFraction: moved / assigned.length,
    expectedFraction: changed.expectedFraction,
    expectedFormula: changed.expectedFormula,
    minimalFraction: minimal,
    ...(changed.slotsMoved !== undefined ? { slotsMoved: changed.slotsMoved } : {}),
  };
}

function applyChange(config: SchemeConfig, set: NodeSet, change: Change): Changed {
  const n = set.names.length;
  const weights = set.weights ?? set.names.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  if ('add' in change) {
    if (set.names.includes(change.add))
      throw new PartitionError(`cannot add '${change.add}': it is already a node`);
    const weight = change.weight ?? 1;
    const next: NodeSet = {
      names: [...set.names, change.add],
      ...(set.weights !== undefined ? { weights: [...set.weights, weight] } : {}),
    };
    if (config.scheme === 'slots') return slotsChange(set, next.names);
    if (config.scheme === 'modn')
      return { after: createPartitioner(config, next), ...fraction(n / (n + 1), 'N/(N+1)') };
    return {
      after: createPartitioner(config, next),
      ...fraction(weight / (total + weight), set.weights ? 'w/Σw′' : '1/(N+1)'),
    };
  }
  const at = set.names.indexOf(change.remove);
  if (at < 0) throw new PartitionError(`cannot remove '${change.remove}': it is not a node`);
  if (n === 1) throw new PartitionError('cannot remove the only node');
  const names = set.names.filter((_, i) => i !== at);
  const next: NodeSet = {
    names,
    ...(set.weights !== undefined ? { weights: set.weights.filter((_, i) => i !== at) } : {}),
  };
  switch (config.scheme) {
    case 'slots':
      return slotsChange(set, names);
    case 'modn':
      return { after: createPartitioner(config, next), ...fraction(1 - 1 / n, '≈ 1 − 1/N') };
    case 'jump':
      return jumpRemoval(config, set.names, at);
    default:
      return {
        after: createPartitioner(config, next),
        ...fraction((weights[at] as number) / total, set.weights ? 'w/Σw' : '1/N'),
      };
  }
}

function fraction(expectedFraction: number, expectedFormula: string) {
  return { expectedFraction, expectedFormula };
}

/**
 * Jump buckets are positions: the last node moves into the leaving node's bucket. Its old
 * bucket's keys spread over the N − 1 others (those landing in its new bucket stay with it),
 * and the leaving node's keys all go to it: 1/N + (N − 2)/(N(N − 1)).
 */
function jumpRemoval(config: SchemeConfig, names: readonly string[], at: number): Changed {
  const n = names.length;
  const next = names.slice(0, -1);
  if (at === n - 1)
    return { after: createPartitioner(config, { names: next }), ...fraction(1 / n, '1/N') };
  next[at] = names[n - 1] as string;
  return {
    after: createPartitioner(config, { names: next }),
    ...fraction(1 / n + (n - 2) / (n * (n - 1)), '1/N + (N−2)/(N(N−1)) (not the last bucket)'),
  };
}

function slotsChange(set: NodeSet, names: readonly string[]): Changed {
  const plan = planRebalance(assignSlots(withoutWeights('slots', set)), names);
  return {
    after: slotPartitioner(plan.after),
    slotsMoved: plan.moved,
    ...fraction(plan.moved / SLOT_COUNT, 'slots moved/16384'),
  };
}
