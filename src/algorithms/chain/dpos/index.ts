// chain/dpos — delegated proof of stake [003, 004]: stakeholders elect a fixed number of
// delegates by stake-weighted approval voting; the delegates produce signed blocks in
// turn, one per time slot, in an order shuffled each round from the chain; the longest
// chain wins and a block confirmed by ⌊2D/3⌋+1 delegates is irreversible. A delegate that
// signs two blocks for one slot is caught by the evidence its twin blocks form and drops
// out of the schedule from the next round (honest stakeholders withdraw their votes).
//
// Stakes and votes: see params.ts. Checks: checks.ts. Fault model: see producer.ts.

import { ALL_FAULT_KINDS, defineAlgorithm } from '../../../core/algorithm.js';
import { ed25519Scheme } from '../../byzantine/signed-messages/ed25519-node.js';
import type { SignatureSchemeFactory } from '../../byzantine/signed-messages/signature-scheme.js';
import { floodedBlockCount } from '../shared/chain-checks.js';
import { schemePerRun } from '../shared/scheme-per-run.js';
import { dposInvariants, dposLiveness, dposMetrics } from './checks.js';
import { type DposMessage, parseDposMessage } from './messages.js';
import { dposOptionSpecs, electorateOf } from './params.js';
import { createProducer, type DposOptions, type DposOutput, type DposState } from './producer.js';

export type { DposMessage } from './messages.js';
export { electorateOf } from './params.js';
export type { DposOutput, DposState } from './producer.js';

/** The algorithm with a given signature scheme (a browser host passes its own). */
export function dposWith(schemeOf: SignatureSchemeFactory) {
  const schemeFor = schemePerRun<DposOptions>(schemeOf);
  return defineAlgorithm<DposMessage, DposOutput, DposState, DposOptions>({
    name: 'chain/dpos',
    family: 'chain',
    summary: 'Delegated PoS: stake-weighted votes elect D delegates who sign blocks in turn',
    seed: '003; 004',
    nodes: { default: 7, min: 1, max: 32 },
    durationMs: 3_000,
    livenessDeadlineMs: 2_000,
    options: dposOptionSpecs,
    create: (id, ctx) =>
      createProducer(id, ctx.options, electorateOf(ctx.nodes, ctx.options), schemeFor(ctx)),
    parseMessage: (raw, ctx) => parseDposMessage(raw, ctx.nodes.length),
    invariants: (ctx) => dposInvariants(ctx, schemeFor(ctx)),
    liveness: (ctx) => dposLiveness(ctx),
    metrics: (view, ctx) => dposMetrics(view, ctx),
    faultModel: (opts) => ({
      tolerates: ALL_FAULT_KINDS,
      maxDelayMs: Math.floor(opts.slotMs / 2),
      maxPauseMs: opts.slotMs,
      assumption: 'a block reaches the next producer within its slot (slot-synchronous delivery)',
    }),
    messageCount: {
      formula: '(n−1)² Block messages per produced block (flooding, as in chain/pow)',
      compare: floodedBlockCount('produced'),
    },
    scenarios: [
      {
        name: 'missed-slot',
        description:
          'Delegate 2 crashes for good: its slots stay empty, ' +
          'the others go on and blocks still become irreversible.',
        faults: 'crash 2 @200',
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'malicious-delegate',
        description:
          'Delegate 3 signs two blocks per slot; the twins become ' +
          'evidence on the chain and delegate 6 replaces it.',
        faults: '',
        options: { malicious: [3] },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'partitioned-delegates',
        description:
          'Two delegates are cut off for a while; the longer side wins when the partition heals.',
        faults: 'partition 1,2|3,4,5,6,7 @300..1200',
        expect: { safety: 'hold', liveness: 'hold' },
      },
    ],
  });
}

export const dpos = dposWith(ed25519Scheme);
