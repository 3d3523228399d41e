// consensus/multi-paxos's process: validates peer input once, then routes each message to
// the acceptor, proposer, replica or client side of the node; restores durable state on
// start (promise, accepted slots, chosen log, round, client progress) and re-applies the
// chosen log to rebuild the key-value machine.

import { assertNever } from '../../../core/assert.js';
import type { NodeId, Process } from '../../../core/process.js';
import { majority } from '../../../core/quorum.js';
import { type Ballot, compareBallots, ZERO_BALLOT } from '../paxos/ballot.js';
import { accept, promise } from './acceptor.js';
import { onClientRetry, onReply, onThink, startClient } from './client.js';
import { type Command, KvMachine } from './kv.js';
import {
  armElection,
  becomeFollower,
  campaign,
  onAcceptedReply,
  onHeartbeatTimer,
  onNack,
  onPromise,
  submit,
} from './leader.js';
import {
  type MultiPaxosMessage,
  type MultiPaxosOutput,
  parseMultiPaxosMessage,
} from './messages.js';
import type { MultiPaxosOptions } from './options.js';
import { followCommit, onCatchUp, onChosen } from './replica.js';
import type { AcceptedEntry, MpEnv, MpNode, MultiPaxosState } from './state.js';

/** Whether a message from `from` is well formed and comes from a node allowed to send it. */
export function isValidMessage(m: MultiPaxosMessage, from: NodeId, n: number): boolean {
  if (parseMultiPaxosMessage(m, n) === undefined) return false;
  switch (m.type) {
    case 'Prepare':
    case 'Accept':
    case 'Heartbeat':
      return m.ballot.proposer === from;
    case 'Request':
      return m.command.kind === 'client' && m.command.client === from;
    case 'Promise':
    case 'Accepted':
    case 'Nack':
    case 'CatchUp':
    case 'Chosen':
    case 'Reply':
      return true;
    default:
      return assertNever(m, 'Multi-Paxos message');
  }
}

/** A message from a leader at `ballot` (Accept or Heartbeat) that this node accepts. */
function heardLeader(node: MpNode, ballot: Ballot, commitUpTo: number): void {
  const { s } = node;
  if (s.ballot !== null && compareBallots(ballot, s.ballot) > 0) becomeFollower(node, ballot);
  if (s.role === 'follower') {
    if (s.leader === null || compareBallots(ballot, s.leader) >= 0) s.leader = ballot;
    s.seenRound = Math.max(s.seenRound, ballot.round);
    armElection(node);
  }
  if (s.role === 'follower') followCommit(node, commitUpTo);
}

function onMessage(node: MpNode, from: NodeId, m: MultiPaxosMessage): void {
  const { s, env } = node;
  switch (m.type) {
    case 'Prepare': {
      const reply = promise(node, m.ballot, m.fromSlot);
      if (reply.type === 'Promise') {
        if (s.role !== 'follower' && s.ballot !== null && compareBallots(m.ballot, s.ballot) > 0)
          becomeFollower(node, null);
        s.seenRound = Math.max(s.seenRound, m.ballot.round);
        armElection(node); // Give the candidate time to win.
      }
      env.send(from, reply);
      return;
    }
    case 'Accept': {
      const reply = accept(node, m.ballot, m.slot, m.command);
      env.send(from, reply);
      if (reply.type === 'Accepted') heardLeader(node, m.ballot, m.commitUpTo);
      return;
    }
    case 'Heartbeat':
      if (compareBallots(m.ballot, s.promised) < 0)
        env.send(from, { type: 'Nack', ballot: m.ballot, promised: s.promised });
      else heardLeader(node, m.ballot, m.commitUpTo);
      return;
    case 'Promise':
      return onPromise(node, from, m);
    case 'Accepted':
      return onAcceptedReply(node, from, m);
    case 'Nack':
      return onNack(node, m.ballot, m.promised);
    case 'CatchUp':
      return onCatchUp(node, from, m.fromSlot);
    case 'Chosen':
      return onChosen(node, m.entries);
    case 'Request':
      return submit(node, m.command, from);
    case 'Reply':
      return onReply(node, m.seq, m.result);
    default:
      assertNever(m, 'Multi-Paxos message');
  }
}

function emptyState(): MultiPaxosState {
  return {
    promised: ZERO_BALLOT,
    accepted: new Map(),
    role: 'follower',
    round: 0,
    seenRound: 0,
    ballot: null,
    leader: null,
    promises: new Map(),
    fromSlot: 1,
    nextSlot: 1,
    inflight: new Map(),
    queue: [],
    chosen: new Map(),
    applied: 0,
    kv: new KvMachine(),
    client: { seq: 0, done: 0, pending: null },
  };
}

function restore(env: MpEnv): MultiPaxosState {
  const accepted = new Map<number, AcceptedEntry>();
  for (const key of env.storage.keys('acc/')) {
    const entry = env.storage.get<AcceptedEntry>(key);
    if (entry !== undefined) accepted.set(Number(key.slice(4)), entry);
  }
  const chosen = new Map<number, Command>();
  for (const key of env.storage.keys('chosen/')) {
    const command = env.storage.get<Command>(key);
    if (command !== undefined) chosen.set(Number(key.slice(7)), command);
  }
  const round = env.storage.get<number>('round') ?? 0;
  return {
    ...emptyState(),
    promised: env.storage.get<Ballot>('promised') ?? ZERO_BALLOT,
    accepted,
    round,
    seenRound: round,
    chosen,
    client: env.storage.get('client') ?? { seq: 0, done: 0, pending: null },
  };
}

export function createMultiPaxos(
  nodes: readonly NodeId[],
  opts: MultiPaxosOptions,
): Process<MultiPaxosMessage, MultiPaxosOutput, MultiPaxosState> {
  let state = emptyState();
  const need = majority(nodes.length);
  const nodeOf = (env: MpEnv): MpNode => {
    const node: MpNode = {
      s: state,
      env,
      opts,
      majority: need,
      submit: (command) => submit(node, command),
      reply: (seq, result) => onReply(node, seq, result),
    };
    return node;
  };
  return {
    get state() {
      return state;
    },
    onStart(env) {
      state = restore(env);
      const node = nodeOf(env);
      // Re-apply the chosen log (no replies: this node is not the leader yet).
      for (let slot = 1; state.chosen.has(slot); slot++) {
        state.kv.apply(state.chosen.get(slot) as Command);
        state.applied = slot;
      }
      armElection(node);
      startClient(node);
    },
    onMessage(env, from, m) {
      const node = nodeOf(env);
      if (!isValidMessage(m, from, nodes.length)) {
        env.note(`rejected malformed ${String(m.type)} from ${from}`);
        return;
      }
      onMessage(node, from, m);
    },
    onTimer(env, name) {
      const node = nodeOf(env);
      if (name === 'election' && state.role !== 'leader') campaign(node);
      else if (name === 'heartbeat') onHeartbeatTimer(node);
      else if (name === 'client-think') onThink(node);
      else if (name === 'client-retry') onClientRetry(node);
    },
  };
}
