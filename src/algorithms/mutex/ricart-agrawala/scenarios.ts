// Named runs of mutex/ricart-agrawala that show what the notes warn about [001 §2.1]: one
// crashed peer stalls everyone; the failure-detector improvement and how a partition
// defeats it; the HDFS replicated-file example under loss and duplication.

import type { Scenario } from '../../../core/algorithm.js';

export const ricartAgrawalaScenarios: readonly Scenario[] = [
  {
    name: 'crashed-peer-stalls',
    description: 'One node crashes for good: nobody gets its OK, so every other node stalls.',
    faults: 'crash 5 @100',
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'peer-restarts',
    description:
      'A node crashes and returns; its durable state and the retries let everyone finish.',
    faults: 'crash 3 @150; restart 3 @900',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'fd-skips-crashed-peer',
    description:
      'Variant fd: node 5 crashes for good; the others suspect it and stop waiting for it.',
    faults: 'crash 5 @100',
    options: { variant: 'fd' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'fd-peer-returns',
    description:
      'Variant fd: node 3 crashes inside and returns; it gives up its turn, is re-included ' +
      'and finishes its requests.',
    faults: 'crash 3 @150; restart 3 @1500',
    options: { variant: 'fd' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'fd-false-suspicion',
    description:
      'Variant fd under a partition: each side suspects the other and both enter at once — ' +
      'a failure detector that can be wrong cannot make Ricart–Agrawala fault-tolerant.',
    faults: 'partition 1,2|3,4,5 @100..2000',
    options: { variant: 'fd', thinkMs: 20 },
    expect: { safety: 'violated', liveness: 'hold' },
  },
  {
    name: 'hdfs-replicated-file',
    description:
      'The notes’ HDFS example under loss and duplication: each holder edits the file and ' +
      'ships it; after quiescence every replica is identical and no edit is lost.',
    faults: 'drop 0.1 @0..2500; dup 0.05 @0..2500',
    options: { replicate: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
