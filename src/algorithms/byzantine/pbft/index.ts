// byzantine/pbft — Practical Byzantine Fault Tolerance (Castro and Liskov, OSDI 1999), beyond
// the notes: 3f+1 replicas order client requests with pre-prepare, prepare and commit; a
// client accepts f+1 matching replies; a faulty primary is replaced by a view change.
// Signatures are Ed25519 through the SignatureScheme of byzantine/signed-messages.
//
// Fault model: see state.ts (≤ f Byzantine replicas; any network fault; crashes excluded).

import { defineAlgorithm, type RunContext } from '../../../core/algorithm.js';
import { byzantineFaults } from '../../../core/quorum.js';
import { ed25519Scheme } from '../signed-messages/ed25519-node.js';
import type {
  SignatureScheme,
  SignatureSchemeFactory,
} from '../signed-messages/signature-scheme.js';
import { pbftInvariants, pbftLiveness } from './invariants.js';
import { type PbftMessage, type PbftOutput, parsePbftMessage } from './messages.js';
import { createReplica } from './pbft.js';
import { type PbftOptions, type PbftState, pbftOptionSpecs } from './state.js';

export type { PbftMessage, PbftOutput } from './messages.js';
export type { PbftState } from './state.js';

const PHASES = ['PrePrepare', 'Prepare', 'Commit'] as const;

export function pbftWith(schemeOf: SignatureSchemeFactory) {
  const schemes = new WeakMap<RunContext<PbftOptions>, SignatureScheme>();
  const schemeFor = (ctx: RunContext<PbftOptions>): SignatureScheme => {
    const known = schemes.get(ctx) ?? schemeOf(ctx.seed, ctx.nodes);
    schemes.set(ctx, known);
    return known;
  };
  return defineAlgorithm<PbftMessage, PbftOutput, PbftState, PbftOptions>({
    name: 'byzantine/pbft',
    family: 'byzantine',
    summary: 'PBFT: 3f+1 replicas, pre-prepare/prepare/commit, view change; f+1 replies',
    seed: 'beyond the notes (001 §2.3 Byzantine generals)',
    nodes: { default: 4, min: 1, max: 16 },
    durationMs: 2_000,
    livenessDeadlineMs: 4_000,
    options: pbftOptionSpecs,
    create: (id, ctx) => createReplica(id, ctx.nodes, ctx.options, schemeFor(ctx)),
    parseMessage: (raw, ctx) => parsePbftMessage(raw, ctx.nodes.length),
    invariants: (ctx) => pbftInvariants(ctx.options),
    liveness: (ctx) => pbftLiveness(ctx.options),
    metrics: (view, ctx) => {
      const correct = view.nodes.filter((n) => n.state && !ctx.options.byzantine.includes(n.id));
      const executed = view.outputs.filter(
        (o) =>
          o.output.type === 'executed' && o.output.result !== null && o.node === correct[0]?.id,
      ).length;
      const phase = PHASES.reduce((sum, t) => sum + (view.stats.byType[t] ?? 0), 0);
      return {
        f: byzantineFaults(ctx.nodes.length),
        executed,
        accepted: view.outputs.filter((o) => o.output.type === 'accept').length,
        view: Math.max(0, ...correct.map((n) => n.state?.view ?? 0)),
        viewChanges:
          view.stats.byType.NewView === undefined
            ? 0
            : new Set(
                view.outputs.flatMap((o) => (o.output.type === 'view' ? [o.output.view] : [])),
              ).size,
        messagesPerRequest: executed === 0 ? null : Number((phase / executed).toFixed(2)),
      };
    },
    messageCount: {
      formula: '2n(n−1) per request: n−1 PRE-PREPARE + (n−1)² PREPARE + n(n−1) COMMIT',
      compare: (view, ctx) => {
        const n = ctx.nodes.length;
        const first = ctx.nodes.find((id) => !ctx.options.byzantine.includes(id));
        const executed = view.outputs.filter(
          (o) => o.node === first && o.output.type === 'executed',
        ).length;
        return {
          expected: 2 * n * (n - 1) * executed,
          measured: PHASES.reduce((s, t) => s + (view.stats.byType[t] ?? 0), 0),
        };
      },
    },
    faultModel: () => ({
      tolerates: [
        'partition',
        'block',
        'drift',
        'drop',
        'corrupt',
        'dup',
        'reorder',
        'delay',
        'pause',
      ],
      assumption:
        'at most f Byzantine replicas; a crash counts as one (volatile log, no checkpoints)',
    }),
    scenarios: [
      {
        name: 'silent-primary',
        description:
          'The primary of view 0 (replica 1) is Byzantine ' +
          'and silent: backups time out and move to view 1.',
        faults: '',
        options: { byzantine: [1], behaviour: 'silent' },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'equivocating-primary',
        description:
          'Replica 1 sends conflicting pre-prepares for each ' +
          'number: nothing prepares, a view change replaces it.',
        faults: '',
        options: { byzantine: [1], behaviour: 'equivocate' },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'silent-backup',
        description: 'Replica 3 is silent: the other 2f+1 still prepare and commit in view 0.',
        faults: '',
        options: { byzantine: [3], behaviour: 'silent' },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'too-many-faulty',
        description:
          'Two of four replicas (more than f = 1) are silent: no quorum of 2f+1, no progress.',
        faults: '',
        options: { byzantine: [1, 2], behaviour: 'silent' },
        expect: { safety: 'hold', liveness: 'violated' },
      },
    ],
  });
}

export const pbft = pbftWith(ed25519Scheme);
