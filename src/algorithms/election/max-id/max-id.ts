// The notes' simplest election [004 §二 1]: every node broadcasts its id, drops out on
// seeing a larger one, and after one round (`roundMs`) the largest id it has seen is the
// leader. n(n−1) messages.
//
// Fault model: none beyond delay within the round, duplication, reordering and drift — the
// notes say it "ignores failures": a node absent during the round (paused, cut off) is not
// counted, so a smaller id wins and the late node, which then sees only smaller ids, leads
// too (scenario `absent-node-lets-smaller-win`). An Id is believed only from its own node.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { ElectionOutput } from '../workload.js';
import type { MaxIdMessage } from './messages.js';
import type { MaxIdConfig } from './options.js';
import { initMaxIdState, type MaxIdState } from './state.js';

type X = Step<MaxIdMessage, ElectionOutput, MaxIdState, MaxIdConfig>;

export type MaxIdTimer = 'round';

function decide({ s, env }: X): void {
  s.leader = s.best;
  s.term = 1;
  s.role = s.best === env.id ? 'leader' : 'follower';
  if (s.role === 'leader') env.output({ type: 'elected', term: 1 });
  env.output({ type: 'leader', leader: s.best, term: 1 });
}

export const createMaxId = defineProcess<
  MaxIdMessage,
  ElectionOutput,
  MaxIdState,
  MaxIdConfig,
  MaxIdTimer
>({
  init: initMaxIdState,
  onStart({ s, env, c }) {
    env.broadcast({ type: 'Id', id: env.id });
    env.setTimer('round', c.roundMs);
    assert(s.best === env.id, 'a node starts as its own best');
    assert(s.role === 'candidate', 'a node starts as a candidate');
  },
  onMessage: {
    Id({ s, env }, from, m) {
      if (m.id !== from || m.id <= s.best) return; // Not a larger, genuine id.
      s.best = m.id;
      if (s.role === 'candidate') s.role = 'out'; // Drop out: someone is larger.
      assert(s.best === m.id && s.best > env.id, 'the best id is the largest seen');
      assert((s.role === 'leader') === (s.leader === env.id), 'only a decided best id leads');
    },
  },
  onTimer: {
    round(x) {
      const { s, env } = x;
      if (s.leader === null) decide(x);
      assert(s.leader === s.best && s.term === 1, 'after the round the best id leads');
      assert((s.role === 'leader') === (s.best === env.id), 'only the best id leads');
    },
  },
});
