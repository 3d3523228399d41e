// Planning a Redis Cluster rebalance when masters are added or removed: the fewest slot
// moves that leave every master with ⌊16384/M⌋ or ⌈16384/M⌉ slots, and, per moved slot, the
// live-migration procedure of the Redis Cluster specification (MIGRATING/IMPORTING): the
// target marks the slot IMPORTING from the source, the source marks it MIGRATING to the
// target, keys are moved in batches with MIGRATE (clients meanwhile get ASK redirects for
// keys already moved), and finally CLUSTER SETSLOT … NODE hands the slot over — to the target
// first, then the source, then every other master.
//
// Minimal movement: a master that stays keeps all its slots up to its target count, and the
// ⌈16384/M⌉ targets go to the masters holding the most slots, so the number of slots moved
// equals Σ max(0, held − target) — no balanced layout moves fewer. A master that stays gives
// away its highest-numbered slots, so what it keeps stays contiguous when it was.
//
// Fault model: the new master list is validated (nodes.ts); the plan is data — executing it
// against servers (and retrying a failed MIGRATE) is the caller's job.

import { checkNodes, checkUnweighted, PartitionError } from './nodes.js';
import { rangesOf, SLOT_COUNT, type SlotRange, type SlotTable } from './slots.js';

export interface SlotMove {
  readonly source: string;
  readonly target: string;
  readonly count: number;
  readonly slots: readonly SlotRange[];
}

export interface RebalancePlan {
  readonly before: SlotTable;
  readonly after: SlotTable;
  readonly moves: readonly SlotMove[];
  /** Slots that change owner: Σ move.count. */
  readonly moved: number;
}

/** Target slot counts for `masters`, the larger ones for the masters holding most now. */
function targetCounts(masters: readonly string[], held: ReadonlyMap<string, number>): number[] {
  const base = Math.floor(SLOT_COUNT / masters.length);
  const extra = SLOT_COUNT % masters.length;
  const ranked = masters
    .map((name, i) => ({ i, held: held.get(name) ?? 0 }))
    .sort((a, b) => b.held - a.held || a.i - b.i);
  const targets = masters.map(() => base);
  for (let r = 0; r < extra; r++) targets[(ranked[r] as { i: number }).i] = base + 1;
  return targets;
}

export function planRebalance(before: SlotTable, newMasters: readonly string[]): RebalancePlan {
  const nodes = checkNodes(newMasters);
  checkUnweighted('slots', nodes);
  const masters = nodes.map((n) => n.name);
  if (masters.length > SLOT_COUNT)
    throw new PartitionError(`${masters.length} masters for ${SLOT_COUNT} slots`);
  const held = new Map<string, number[]>(before.masters.map((name) => [name, []]));
  for (let s = 0; s < SLOT_COUNT; s++)
    (held.get(before.masters[before.owner[s] as number] as string) as number[]).push(s);
  const targets = targetCounts(
    masters,
    new Map([...held].map(([name, slots]) => [name, slots.length])),
  );
  // Donated slots, in donor order: masters leaving first, then those above their target.
  const pool: { slot: number; source: string }[] = [];
  const target = new Map(masters.map((name, i) => [name, targets[i] as number]));
  for (const leaving of [true, false])
    for (const [name, slots] of held) {
      if (target.has(name) === leaving) continue;
      const keep = target.get(name) ?? 0;
      for (const slot of slots.slice(keep)) pool.push({ slot, source: name });
    }
  const owner = Uint16Array.from(before.owner);
  const index = new Map(masters.map((name, i) => [name, i]));
  for (let s = 0; s < SLOT_COUNT; s++)
    owner[s] = index.get(before.masters[before.owner[s] as number] as string) ?? 0;
  const pairs = new Map<string, { source: string; target: string; slots: number[] }>();
  let next = 0;
  masters.forEach((name, i) => {
    const deficit = (targets[i] as number) - (held.get(name)?.length ?? 0);
    for (let k = 0; k < deficit; k++) {
      const { slot, source } = pool[next++] as { slot: number; source: string };
      owner[slot] = i;
      const id = `${source}\u0000${name}`;
      const pair = pairs.get(id) ?? { source, target: name, slots: [] };
      pair.slots.push(slot);
      pairs.set(id, pair);
    }
  });
  const moves = [...pairs.values()].map((p) => {
    const sorted = p.slots.sort((a, b) => a - b);
    return { source: p.source, target: p.target, count: sorted.length, slots: rangesOf(sorted) };
  });
  return { before, after: { masters, owner }, moves, moved: next };
}

/** One step of a slot's live migration: a command on a master, or the key-moving loop. */
export type MigrationStep =
  | { readonly on: string; readonly argv: readonly string[] }
  | { readonly on: string; readonly drain: { readonly slot: number; readonly target: string } };

export interface MigrationOptions {
  /** Each master's cluster node id (CLUSTER MYID); default: the name itself. */
  readonly nodeIds?: ReadonlyMap<string, string>;
  /** Every master of the cluster, told the new owner last (default: source and target only). */
  readonly masters?: readonly string[];
}

/**
 * The Redis Cluster procedure for moving one slot (CLUSTER SETSLOT's documentation, "Redis
 * Cluster live resharding explained"). The drain step is: repeat CLUSTER GETKEYSINSLOT slot
 * N on the source and MIGRATE those keys to the target until none is left.
 */
export function slotMigrationSteps(
  slot: number,
  move: Pick<SlotMove, 'source' | 'target'>,
  options: MigrationOptions = {},
): MigrationStep[] {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT)
    throw new PartitionError(`slot must be an integer in 0..${SLOT_COUNT - 1}, got ${slot}`);
  const id = (name: string) => options.nodeIds?.get(name) ?? name;
  const { source, target } = move;
  const setslot = (on: string) => ({
    on,
    argv: ['CLUSTER', 'SETSLOT', String(slot), 'NODE', id(target)],
  });
  const others = (options.masters ?? []).filter((m) => m !== source && m !== target);
  return [
    { on: target, argv: ['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', id(source)] },
    { on: source, argv: ['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', id(target)] },
    { on: source, drain: { slot, target } },
    setslot(target),
    setslot(source),
    ...others.map(setslot),
  ];
}
