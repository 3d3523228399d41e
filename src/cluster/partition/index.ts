// Partitioning (issue 19): which node holds a key, for hash mod N, a consistent-hash ring
// with virtual nodes, jump consistent hash, rendezvous hashing and Redis Cluster's hash slots;
// the movement and balance each shows when a node is added or removed; and the slot moves of
// a Redis Cluster rebalance. Pure functions; see docs/partitioning.md.
//
// Fault model: see each module; bad input is a PartitionError (nodes.ts).

export {
  DEFAULT_HASH,
  fnv1a64,
  HASH_NAMES,
  type Hash64,
  type HashName,
  hashFunction,
  type Key,
} from './hash.js';
export { jumpConsistentHash, jumpPartitioner } from './jump.js';
export {
  KETAMA_VARIANTS,
  type KetamaOptions,
  type KetamaRing,
  type KetamaVariant,
  ketamaDigests,
  ketamaPartitioner,
} from './ketama.js';
export { modNPartitioner } from './mod-n.js';
export {
  analysePartitioning,
  type Change,
  createPartitioner,
  type LoadStats,
  loadStats,
  MAX_KEYS,
  type Movement,
  type NodeLoad,
  type NodeSet,
  type PartitionReport,
  type SchemeConfig,
} from './movement.js';
export { checkNodes, MAX_NODES, PartitionError, type WeightedNode } from './nodes.js';
export { type Partitioner, SCHEMES, type Scheme } from './partitioner.js';
export { rendezvousPartitioner } from './rendezvous.js';
export { DEFAULT_VNODES, MAX_VNODES, type Ring, ringPartitioner } from './ring.js';
export {
  type MigrationOptions,
  type MigrationStep,
  planRebalance,
  type RebalancePlan,
  type SlotMove,
  slotMigrationSteps,
} from './slot-migration.js';
export {
  assignSlots,
  crc16,
  keyHashSlot,
  rangesOf,
  SLOT_COUNT,
  type SlotRange,
  type SlotTable,
  slotPartitioner,
  slotRanges,
} from './slots.js';
