// replication/primary-backup — single-master replication [001 §6], synchronous (the primary
// waits for every backup) or asynchronous (it answers at once), with failover by a
// configuration master and epochs that fence a deposed primary. The process is
// primary-backup.ts; README.md has the diagram.
// Registry entry: options, checks, metrics, scenarios, fault model per mode and the
// consistency models each mode promises (checked on the client history by sim/consistency).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { kvClientHistory } from '../../replicated-kv/history.js';
import { replicationMetrics } from '../shared/checks.js';
import type { ReplicationOutput } from '../shared/messages.js';
import { pbInvariants, pbLiveness } from './invariants.js';
import { type PbMessage, parsePbMessage } from './messages.js';
import { type PbOptions, pbConfig, pbOptionSpecs } from './options.js';
import { createPrimaryBackup } from './primary-backup.js';
import { pbScenarios } from './scenarios.js';
import type { PbState } from './state.js';

export type { PbMessage } from './messages.js';
export type { PbState } from './state.js';

/**
 * Sync: every operation, reads included, is ordered by one primary and answered only once
 * every member of its epoch has it, and a deposed primary cannot commit — linearizable.
 * Async: the primary answers from its own state, a failover forgets — only convergence.
 */
export function pbPromises(o: Pick<PbOptions, 'mode'>): readonly string[] {
  return o.mode === 'sync' ? ['linearizable'] : ['eventual'];
}

export const primaryBackup = defineAlgorithm<PbMessage, ReplicationOutput, PbState, PbOptions>({
  name: 'replication/primary-backup',
  family: 'replication',
  summary: 'primary-backup: sync (wait for every backup) or async, master failover, epoch fencing',
  seed: '001 §6; 003',
  nodes: { default: 4, min: 2, max: 16 },
  durationMs: 5_000,
  livenessDeadlineMs: 1_500,
  options: pbOptionSpecs,
  parseMessage: (raw, ctx) => parsePbMessage(raw, ctx.nodes.length),
  create: (id, ctx) => createPrimaryBackup(pbConfig(ctx.nodes.length, ctx.options), id),
  invariants: (ctx) => pbInvariants(ctx.options),
  liveness: () => pbLiveness(),
  metrics: (view) => replicationMetrics(view),
  history: (view) =>
    kvClientHistory(view.outputs, view.nowMs, (o) =>
      o.type === 'invoke' || o.type === 'complete' ? o : undefined,
    ),
  promises: pbPromises,
  faultModel: (o) =>
    o.mode === 'sync'
      ? undefined
      : {
          tolerates: ['drop', 'dup', 'reorder', 'delay', 'corrupt', 'drift'],
          maxDelayMs: 100,
          assumption:
            'the primary never fails nor is suspected: a failover loses the writes it had ' +
            'acknowledged but not yet shipped (scenario async-failover)',
        },
  scenarios: pbScenarios,
});
