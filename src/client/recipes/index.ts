// Coordination recipes over etcd's v3 API (issue 17), exported from cohort/client: leader
// election with observe, a counting semaphore, barriers, a FIFO queue, a service registry
// and directory, and a configuration watcher. See docs/recipes.md.
//
// Fault model: each module's header; the common rules are in session.ts (a hold lives no
// longer than its lease), holding.ts (a hold's signal) and wait.ts (waits are watches from
// the revision of the read that decided to wait; never polling).

export { Barrier, DoubleBarrier, type EnterOptions } from './barrier.js';
export { type ConfigUpdate, ConfigWatcher } from './config.js';
export {
  Leader,
  type LeaderCampaignOptions,
  type LeaderChange,
  LeaderElection,
  type LeaderInfo,
} from './election.js';
export {
  HoldLostError,
  type HoldLostReason,
  RecipeTimeoutError,
  SlowSubscriberError,
  TooManyClientsError,
} from './errors.js';
export type { MirrorChange, MirrorOptions, MirrorUpdate } from './mirror.js';
export { Queue, type QueueItem } from './queue.js';
export {
  type RegisterOptions,
  Registration,
  register,
  ServiceDirectory,
  type ServiceInstance,
} from './registry.js';
export { type AcquireOptions, Permit, Semaphore } from './semaphore.js';
export { Session, type SessionOptions } from './session.js';
export type { WaitOptions } from './wait.js';
