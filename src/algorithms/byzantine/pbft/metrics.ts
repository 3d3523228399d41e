// byzantine/pbft's run metrics and message count: f, requests executed (by the first
// correct replica) and accepted (by clients), the highest view, view changes, and the
// normal-case messages per request against the 2n(n−1) of the paper's three phases.

import type { ClusterView, Metrics, RunContext } from '../../../core/algorithm.js';
import { byzantineFaults } from '../../../core/quorum.js';
import type { PbftOutput } from './messages.js';
import type { PbftOptions } from './options.js';
import type { PbftState } from './state.js';

type View = ClusterView<PbftState, PbftOutput>;

const PHASES = ['PrePrepare', 'Prepare', 'Commit'] as const;

function phaseMessages(view: View): number {
  return PHASES.reduce((sum, t) => sum + (view.stats.byType[t] ?? 0), 0);
}

export function pbftMetrics(view: View, ctx: RunContext<PbftOptions>): Metrics {
  const correct = view.nodes.filter((n) => n.state && !ctx.options.byzantine.includes(n.id));
  const executed = view.outputs.filter(
    (o) => o.output.type === 'executed' && o.output.result !== null && o.node === correct[0]?.id,
  ).length;
  const phase = phaseMessages(view);
  return {
    f: byzantineFaults(ctx.nodes.length),
    executed,
    accepted: view.outputs.filter((o) => o.output.type === 'accept').length,
    view: Math.max(0, ...correct.map((n) => n.state?.view ?? 0)),
    viewChanges:
      view.stats.byType.NewView === undefined
        ? 0
        : new Set(view.outputs.flatMap((o) => (o.output.type === 'view' ? [o.output.view] : [])))
            .size,
    messagesPerRequest: executed === 0 ? null : Number((phase / executed).toFixed(2)),
  };
}

export const pbftMessageCount = {
  formula: '2n(n−1) per request: n−1 PRE-PREPARE + (n−1)² PREPARE + n(n−1) COMMIT',
  compare: (view: View, ctx: RunContext<PbftOptions>) => {
    const n = ctx.nodes.length;
    const first = ctx.nodes.find((id) => !ctx.options.byzantine.includes(id));
    const executed = view.outputs.filter(
      (o) => o.node === first && o.output.type === 'executed',
    ).length;
    return { expected: 2 * n * (n - 1) * executed, measured: phaseMessages(view) };
  },
};
