// A ClusterView built by hand, for tests of invariants and metrics on chosen outputs: what
// the test leaves out is empty (no nodes, outputs, lifecycle events or messages).

import type { ClusterView } from '../../src/core/algorithm.js';
import type { Output } from '../../src/core/process.js';

export function clusterView<S, O extends Output>(
  parts: Partial<ClusterView<S, O>>,
): ClusterView<S, O> {
  return {
    nowMs: 0,
    nodes: [],
    outputs: [],
    lifecycle: [],
    stats: {
      sent: 0,
      delivered: 0,
      dropped: 0,
      duplicated: 0,
      byType: {},
      sentBy: [],
      receivedBy: [],
    },
    ...parts,
  };
}
