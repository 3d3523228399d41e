// The learner (Paxos Made Simple §2.3). Every node is one. The proposer whose ballot gathers
// a majority of Accepted is the distinguished learner: it announces Chosen to every other
// node. Announcements can be lost, so a node that has learned nothing asks its peers every
// `askMs` (LearnRequest); a node that knows the value answers with Chosen. The learned value
// is durable, so a restarted node still knows it.

import type { NodeId } from '../../../core/process.js';
import type { PaxosNode } from './state.js';

export function learn(node: PaxosNode, value: number): void {
  const { s, env } = node;
  if (s.learned !== null) {
    // Two different values announced means the variant broke safety; the invariant
    // `learners-agree` reports it, so the node only keeps the first one.
    if (s.learned !== value) env.note(`second value ${value} announced after ${s.learned}`);
    return;
  }
  s.learned = value;
  env.storage.set('learned', value);
  env.output({ type: 'learned', value });
  env.cancelTimer('ask');
  if (s.proposer !== null) {
    s.proposer.phase = 'done';
    env.cancelTimer('retry');
    env.cancelTimer('backoff');
  }
}

export function armAsk(node: PaxosNode): void {
  if (node.s.learned === null) node.env.setTimer('ask', node.opts.askMs);
}

export function onAskTimer(node: PaxosNode): void {
  if (node.s.learned !== null) return;
  node.env.broadcast({ type: 'LearnRequest' });
  armAsk(node);
}

export function onLearnRequest(node: PaxosNode, from: NodeId): void {
  if (node.s.learned !== null) node.env.send(from, { type: 'Chosen', value: node.s.learned });
}
