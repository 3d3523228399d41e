// detect/heartbeat's metrics on a hand-made history, every number worked out by hand: a
// crash detected when the last live node suspects it, a false suspicion of a live node,
// the pair-time spent wrongly suspecting (including a restarted node still suspected until
// its first heartbeat arrives), and a node that reported being in the minority.

import { describe, expect, it } from 'vitest';
import type { LifecycleRecord, OutputRecord } from '../../../core/algorithm.js';
import { summarizeDetection } from './metrics.js';
import type { DetectView } from './replay.js';
import type { DetectOutput } from './state.js';

const out = (atMs: number, node: number, output: DetectOutput): OutputRecord<DetectOutput> => ({
  atMs,
  node,
  output,
});

function view(): DetectView {
  const outputs = [
    out(150, 1, { type: 'suspect', peer: 3 }),
    out(180, 2, { type: 'suspect', peer: 3 }), // Every live node suspects 3: detected in 80 ms.
    out(300, 1, { type: 'suspect', peer: 2 }), // 2 is up: a false suspicion …
    out(300, 1, { type: 'majority', majority: false, reachable: 1 }),
    out(400, 1, { type: 'trust', peer: 2 }), // … for 100 ms.
    out(400, 1, { type: 'majority', majority: true, reachable: 2 }),
    out(610, 1, { type: 'trust', peer: 3 }), // 3 restarted at 600: 10 ms wrongly suspected
    out(620, 2, { type: 'trust', peer: 3 }), // and 20 ms.
  ];
  const lifecycle: LifecycleRecord[] = [
    { atMs: 100, node: 3, event: 'crash', outputsBefore: 0 },
    { atMs: 600, node: 3, event: 'restart', outputsBefore: 6 },
  ];
  const nodes = [1, 2, 3].map((id) => ({
    id,
    up: true,
    paused: false,
    incarnation: 0,
    state: undefined,
  }));
  const stats = {
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicated: 0,
    byType: {},
    sentBy: [],
    receivedBy: [],
  };
  return { nowMs: 1000, nodes, outputs, lifecycle, stats };
}

describe('detect/heartbeat metrics', () => {
  it('measures detection, false suspicions, wrong pair-time and minority reports', () => {
    expect(summarizeDetection(view())).toEqual({
      crashes: 1,
      detectionsMs: [80],
      falseSuspicions: 1,
      // 6 live pairs × 100 ms, 2 × 500 ms while 3 is down, 6 × 400 ms after it restarts.
      livePairMs: 600 + 1000 + 2400,
      wrongPairMs: 100 + 10 + 20,
      minorityDeclared: [1],
    });
  });
});
