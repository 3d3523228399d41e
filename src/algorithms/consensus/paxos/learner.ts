// The learner (Paxos Made Simple §2.3). Every node is one. The proposer whose ballot gathers
// a majority of Accepted is the distinguished learner: it announces Chosen to every other
// node. Announcements can be lost, so a node that has learned nothing asks its peers every
// `askMs` (LearnRequest); a node that knows the value answers with Chosen. The learned value
// is a durable field (paxos.ts), so a restarted node still knows it.

import type { NodeId } from '../../../core/process.js';
import type { X } from './state.js';

export function learn(x: X, value: number): void {
  const { s, env } = x;
  if (s.learned !== null) {
    // Two different values announced means the variant broke safety; the invariant
    // `learners-agree` reports it, so the node only keeps the first one.
    if (s.learned !== value) env.note(`second value ${value} announced after ${s.learned}`);
    return;
  }
  s.learned = value;
  env.output({ type: 'learned', value });
  env.cancelTimer('ask');
  if (s.proposer !== null) {
    s.proposer.phase = 'done';
    env.cancelTimer('retry');
    env.cancelTimer('backoff');
  }
}

export function armAsk(x: X): void {
  if (x.s.learned === null) x.env.setTimer('ask', x.c.askMs);
}

export function onAskTimer(x: X): void {
  if (x.s.learned !== null) return;
  x.env.broadcast({ type: 'LearnRequest' });
  armAsk(x);
}

export function onLearnRequest(x: X, from: NodeId): void {
  if (x.s.learned !== null) x.env.send(from, { type: 'Chosen', value: x.s.learned });
}
