// Live Redis Cluster rebalancing (issue 19): plan the fewest slot moves after masters are
// added or removed, and execute them against running servers with MIGRATING/IMPORTING and
// MIGRATE, as `redis-cli --cluster reshard` does. See docs/partitioning.md, "Slot migration".
//
// Fault model: see each module; bad input and server failures are RebalanceErrors.

export { parseAddress } from './connections.js';
export type { BatchEvent } from './migrate-slot.js';
export { planSlotMoves, type SlotStep, slotCounts, slotSteps, tableOf } from './plan.js';
export {
  type ProgressEvent,
  type RebalanceOptions,
  type RebalanceResult,
  rebalance,
} from './rebalance.js';
export { type ClusterNode, parseClusterNodes, RebalanceError, slotOwners } from './topology.js';
