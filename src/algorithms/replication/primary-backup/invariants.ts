// The checks of replication/primary-backup (shared/checks.ts explains them). Sync promises
// every one: no two acknowledged writes at one log index differ (a deposed primary is
// fenced), and once faults heal the replicas converge on the primary's log and no
// acknowledged write is lost. Async claims no safety invariant (a failover reuses the
// indexes of the writes it lost); its liveness checks are the same, and the scenario
// `async-failover` shows the lost writes.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { ackedAgree, replicationLiveness } from '../shared/checks.js';
import type { ReplicationOutput } from '../shared/messages.js';
import type { PbConfig } from './options.js';
import type { PbState } from './state.js';

export function pbInvariants(c: Pick<PbConfig, 'mode'>): Invariant<PbState, ReplicationOutput>[] {
  return c.mode === 'sync' ? [ackedAgree()] : [];
}

export function pbLiveness(): Liveness<PbState, ReplicationOutput>[] {
  return replicationLiveness('first');
}
