// A primary-backup node's state: the shared replication state (shared/state.ts: master,
// log, client) and what the primary keeps of its current epoch.

import type { Entry } from '../shared/log.js';
import { initReplicationState, type ReplicationState } from '../shared/state.js';
import type { PbConfig } from './options.js';

export interface PbState extends ReplicationState {
  /**
   * Sync primary: entries shipped to the backups and not yet acknowledged by all of them,
   * numbered on from the log (volatile: a client waiting for one gives it up).
   */
  pending: Entry[];
  /** Primary: per replica (index id − 2) the log length it acknowledged this epoch; −1: no snapshot yet. */
  acks: number[];
}

export function initPbState(c: PbConfig): PbState {
  return { ...initReplicationState(c.n), pending: [], acks: [] };
}
