// The checks of mutex/ricart-agrawala: the family's safety rules (workload.ts), every node
// served all its requests, and — in the HDFS mode — identical replicas once quiet.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import {
  everyRequestServed,
  type MutexOutput,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import type { RicartAgrawalaOptions } from './options.js';
import type { RicartAgrawalaState } from './state.js';

/** HDFS mode: once quiet, every live replica holds the same file. */
function replicasIdentical(): Liveness<RicartAgrawalaState, MutexOutput> {
  return {
    name: 'every live replica of the file is identical',
    check(view) {
      const files = view.nodes
        .filter((n) => n.up && n.state)
        .map((n) => ({ id: n.id, f: n.state!.file }));
      const first = files[0];
      const odd = files.filter(
        (x) => x.f.version !== first?.f.version || x.f.content !== first.f.content,
      );
      if (odd.length === 0) return undefined;
      const show = (x: { id: NodeId; f: { version: number } }) => `${x.id}@v${x.f.version}`;
      return `replicas differ: ${files.map(show).join(', ')}`;
    },
  };
}

export function ricartAgrawalaInvariants(): Invariant<RicartAgrawalaState, MutexOutput>[] {
  return [mutualExclusion(), noUnaskedGrant()];
}

export function ricartAgrawalaLiveness(
  options: RicartAgrawalaOptions,
): Liveness<RicartAgrawalaState, MutexOutput>[] {
  return [
    everyRequestServed(options.requests),
    ...(options.replicate ? [replicasIdentical()] : []),
  ];
}
