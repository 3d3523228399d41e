// chain/pow's run metrics: the honest best chain's height, blocks mined and how many went
// stale (forks, orphan rate), the hash rate, honest reorganisations and the tip's target.

import type { ClusterView, Metrics } from '../../../core/algorithm.js';
import { ancestorAt, type BlockEntry, tipOf } from './block-tree.js';
import { isHonest, type PowOptions } from './options.js';
import type { PowOutput, PowState } from './state.js';

export function powMetrics(view: ClusterView<PowState, PowOutput>, opts: PowOptions): Metrics {
  const honest = view.nodes.filter((n) => n.state !== undefined && isHonest(opts, n.id));
  const best = honest
    .map((n) => tipOf((n.state as PowState).tree))
    .reduce<BlockEntry | undefined>(
      (a, b) => (a === undefined || b.chainWork > a.chainWork ? b : a),
      undefined,
    );
  const mined = view.outputs.filter((o) => o.output.type === 'mined');
  const owner = honest.find(
    (n) => best !== undefined && (n.state as PowState).tree.tip === best.hash,
  );
  const tree = owner === undefined ? undefined : (owner.state as PowState).tree;
  const onChain = (hash: string, height: number) =>
    tree !== undefined &&
    best !== undefined &&
    height <= best.height &&
    tree.blocks.has(hash) &&
    ancestorAt(tree, best, height).hash === hash;
  const stale = mined.filter(
    (o) => o.output.type === 'mined' && !onChain(o.output.hash, o.output.height),
  );
  // Reorganisations of honest nodes (the attacker dropping its own losing chain is not one).
  const reorgs = view.outputs.flatMap((o) =>
    o.output.type === 'reorg' && isHonest(opts, o.node) ? [o.output.depth] : [],
  );
  const hashes = view.nodes.reduce((sum, n) => sum + (n.state?.hashes ?? 0), 0);
  return {
    blocks: best?.height ?? 0,
    mined: mined.length,
    forks: stale.length,
    orphanRate: mined.length === 0 ? 0 : Number((stale.length / mined.length).toFixed(4)),
    hashesPerSecond: view.nowMs === 0 ? 0 : Math.round(hashes / (view.nowMs / 1000)),
    reorgs: reorgs.length,
    maxReorgDepth: Math.max(0, ...reorgs),
    tipBits: best === undefined ? null : best.header.bits.toString(16),
  };
}
