// Checks and counts every chain algorithm (pos, dpos, pow) words the same way.

import type { ClusterView, Invariant, RunContext } from '../../../core/algorithm.js';
import type { Output } from '../../../core/process.js';
import type { Checked } from './block-relay.js';

/**
 * Safety: every block a node accepted passes the rules when re-checked from scratch on an
 * independent reference chain. `problemOf` re-checks one output (and adds a valid block to
 * the reference); a failing output is re-examined on every later check, so the first
 * violation is the one reported.
 */
export function validBlocksOnly<S, O extends Output>(
  problemOf: (output: O) => string | undefined,
): Invariant<S, O> {
  let seen = 0;
  return {
    name: 'valid-blocks-only',
    check(view: ClusterView<S, O>) {
      for (; seen < view.outputs.length; seen++) {
        const rec = view.outputs[seen];
        if (rec === undefined) continue;
        const problem = problemOf(rec.output);
        if (problem !== undefined) return `node ${rec.node} ${problem}`;
      }
      return undefined;
    },
  };
}

interface Accepted<B> {
  readonly type: 'accepted';
  readonly block: B;
}

/** The block an algorithm's `accepted` output carries. */
type AcceptedBlock<O> = O extends Accepted<infer B> ? B : never;

/** The rules of a chain, applied to an independent reference chain. */
export interface ReferenceRules<B, E> {
  check(block: B): Checked<E>;
  add(entry: E): void;
}

/**
 * valid-blocks-only for chains whose `accepted` outputs carry the block and for which any
 * verdict but valid or known is a violation: an orphan means a node accepted a block whose
 * parent no node accepted before it.
 */
export function acceptedBlocksPassRules<S, O extends Output, E>(
  rules: ReferenceRules<AcceptedBlock<O>, E>,
): Invariant<S, O> {
  return validBlocksOnly<S, O>((o) => {
    if (o.type !== 'accepted') return undefined;
    // A generic `O` does not narrow on `type`; the check above is the narrowing.
    const c = rules.check((o as Extract<O, Accepted<AcceptedBlock<O>>>).block);
    if (c.kind === 'valid') rules.add(c.entry);
    else if (c.kind !== 'known') return 'accepted a block the rules reject';
    return undefined;
  });
}

/**
 * Flooding's message count: the author sends n−1 copies of a block and every other node
 * forwards it once to n−2 peers, (n−1)² Block messages per block authored (an output of
 * type `authored`).
 */
export function floodedBlockCount<S, O extends Output>(authored: O['type']) {
  return (view: ClusterView<S, O>, ctx: RunContext<unknown>) => {
    const blocks = view.outputs.filter((o) => o.output.type === authored).length;
    return {
      expected: (ctx.nodes.length - 1) ** 2 * blocks,
      measured: view.stats.byType.Block ?? 0,
    };
  };
}
