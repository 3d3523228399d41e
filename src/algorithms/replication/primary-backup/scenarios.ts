// Named runs of replication/primary-backup on four nodes: the master (1), the primary (2)
// and two backups (3, 4).

import type { Scenario } from '../../../core/algorithm.js';

export const pbScenarios: readonly Scenario[] = [
  {
    name: 'sync-backup-down',
    description:
      'Synchronous: backup 4 crashes. Every write blocks — the primary waits for its ack — ' +
      'until the master notices (suspectMs) and removes it from the view (see longestWriteMs); ' +
      'it rejoins with a snapshot after its restart.',
    faults: 'crash 4 @1000; restart 4 @2500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'sync-primary-fails',
    description:
      'Synchronous: the primary crashes; the master makes the lowest live safe backup (3) ' +
      'primary in a new epoch, and no acknowledged write is lost.',
    faults: 'crash 2 @1000; restart 2 @2200',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'sync-primary-cut-off',
    description:
      'Synchronous: the primary is cut off but keeps believing it leads. The backups install ' +
      'the new epoch and refuse its Forwards, so it commits nothing: the history stays ' +
      'linearizable.',
    faults: 'partition 2|1,3,4 @1000..2500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'async-failover',
    description:
      'Asynchronous, the primary’s links to the backups slow (900–1000 ms, longer than the master takes to fail over): it acknowledges ' +
      'writes the backups do not have yet, then crashes. Backup 3 takes over without them — ' +
      'acknowledged writes lost.',
    faults: 'link 2->3 delay 900..1000; link 2->4 delay 900..1000; crash 2 @1500; restart 2 @2500',
    options: { mode: 'async' },
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
