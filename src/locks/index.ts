// Cohort's locks (issue 17): one Lock interface with fencing tokens for every backend, the
// using() wrapper that renews and aborts, the resource-side fencing helpers, and the backends
// (one adapter file each). See docs/locks.md.
//
// Fault model: see each module (errors are typed: errors.ts).

export {
  abortReason,
  BackendUnavailableError,
  InvalidLockArgument,
  LockAbortedError,
  LockError,
  type LockErrorCode,
  LockLostError,
  MAX_LIMIT,
  MAX_NAME_BYTES,
  MAX_OWNER_BYTES,
  MAX_TTL_MS,
  MAX_WAIT_MS,
  MIN_TTL_MS,
  NotAcquiredError,
  NotOwnerError,
  validateLimit,
  validateLockName,
  validateOwner,
  validateTtl,
  validateWait,
} from './errors.js';
export { EtcdLockBackend, type EtcdLockOptions } from './etcd.js';
export {
  createFencedTable,
  Fence,
  fencedUpsert,
  type Queryable,
  StaleTokenError,
} from './fencing.js';
export type {
  AcquireOptions,
  Lock,
  LockBackend,
  LockHandle,
  LockMode,
  LockSpec,
} from './lock.js';
export {
  ensureSchema as ensurePostgresLockSchema,
  PostgresLockBackend,
  type PostgresLockOptions,
} from './postgres.js';
export {
  PostgresAdvisoryLockBackend,
  type PostgresAdvisoryLockOptions,
} from './postgres-advisory.js';
export { RedisLockBackend, type RedisLockOptions } from './redis.js';
export { RedlockBackend, type RedlockOptions } from './redlock.js';
export { using } from './using.js';
export { ZooKeeperLockBackend, type ZooKeeperLockOptions } from './zookeeper.js';
