// consensus/paxos's process: one node that is a learner and, as the options say, an acceptor
// and/or a proposer. Peer input is validated here once (shape, ballot ownership, roles), then
// dispatched to the role that owns the message. Hosts parse peer input before delivery
// (parsePaxosMessage); the node checks it again against its cluster and the senders' roles.

import { assertNever } from '../../../core/assert.js';
import type { NodeId, Process } from '../../../core/process.js';
import { loadAcceptor, onAccept, onPrepare } from './acceptor.js';
import { armAsk, learn, onAskTimer, onLearnRequest } from './learner.js';
import { type PaxosMessage, type PaxosOutput, parsePaxosMessage } from './messages.js';
import { type PaxosOptions, type Roles, rolesOf } from './options.js';
import { loadProposer, onProposerReply, onProposerTimer, startBallot } from './proposer.js';
import type { PaxosEnv, PaxosNode, PaxosState } from './state.js';

/** Whether a message from `from` is well formed and comes from a node allowed to send it. */
export function isValidMessage(m: PaxosMessage, from: NodeId, n: number, roles: Roles): boolean {
  if (parsePaxosMessage(m, n) === undefined) return false;
  switch (m.type) {
    case 'Prepare':
    case 'Accept':
      return m.ballot.proposer === from;
    case 'Promise':
    case 'Accepted':
    case 'Nack':
      return roles.acceptors.includes(from);
    case 'Chosen':
    case 'LearnRequest':
      return true;
    default:
      return assertNever(m, 'Paxos message');
  }
}

function onMessage(node: PaxosNode, from: NodeId, m: PaxosMessage): void {
  const { s, env, opts } = node;
  if (!isValidMessage(m, from, env.nodes.length, node.roles)) {
    env.note(`rejected malformed ${String(m.type)} from ${from}`);
    return;
  }
  switch (m.type) {
    case 'Prepare':
      if (s.acceptor !== null) env.send(from, onPrepare(s.acceptor, env, opts.variant, m));
      return;
    case 'Accept':
      if (s.acceptor !== null) env.send(from, onAccept(s.acceptor, env, m));
      return;
    case 'Promise':
    case 'Accepted':
    case 'Nack':
      onProposerReply(node, from, m);
      return;
    case 'Chosen':
      learn(node, m.value);
      return;
    case 'LearnRequest':
      onLearnRequest(node, from);
      return;
    default:
      assertNever(m, 'Paxos message');
  }
}

export function createPaxos(
  id: NodeId,
  nodes: readonly NodeId[],
  opts: PaxosOptions,
): Process<PaxosMessage, PaxosOutput, PaxosState> {
  const roles = rolesOf(nodes, opts);
  let state: PaxosState = { acceptor: null, proposer: null, learned: null };
  const nodeOf = (env: PaxosEnv): PaxosNode => ({ s: state, env, opts, roles });
  return {
    get state() {
      return state;
    },
    onStart(env) {
      const value = roles.proposals.get(id);
      const learned = env.storage.get<number>('learned') ?? null;
      const acceptor = roles.acceptors.includes(id) ? loadAcceptor(env) : null;
      const proposer = value === undefined ? null : loadProposer(env, value);
      if (proposer !== null && learned !== null) proposer.phase = 'done';
      state = { acceptor, proposer, learned };
      const node = nodeOf(env);
      armAsk(node);
      if (proposer !== null && learned === null) startBallot(node);
    },
    onMessage(env, from, m) {
      onMessage(nodeOf(env), from, m);
    },
    onTimer(env, name) {
      const node = nodeOf(env);
      if (name === 'ask') onAskTimer(node);
      else if (name === 'retry' || name === 'backoff') onProposerTimer(node, name);
    },
  };
}
