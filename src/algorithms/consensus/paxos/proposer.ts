// The proposer of single-decree Paxos (Paxos Made Simple §2.2, phases 1a and 2a; §2.4 on
// progress).
//
// Fault model: crash-recovery with lossy, duplicating, reordering links. The highest round
// used is durable and written BEFORE a Prepare leaves, so a restarted proposer never reuses a
// ballot (reusing one with another value could let two values be accepted in one ballot).
// Everything else is volatile: a restarted proposer simply starts a higher ballot. Two
// proposers can duel forever (§2.4); a Nack sends a proposer into a randomized exponential
// backoff drawn from `env.random`, which ends duels with probability 1, and a ballot that
// makes no progress for `retryMs` (plus jitter) is retried with a higher one.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { onAccept, onPrepare } from './acceptor.js';
import { type Ballot, compareBallots } from './ballot.js';
import { learn } from './learner.js';
import type { PaxosMessage, Proposal } from './messages.js';
import type { PaxosEnv, PaxosNode, ProposerState } from './state.js';

const KEY = 'proposer';
/** The backoff window stops doubling after this many abandoned ballots. */
const BACKOFF_MAX_DOUBLINGS = 6;

type Promise_ = PaxosMessage & { type: 'Promise' };
type Accepted = PaxosMessage & { type: 'Accepted' };
type Nack = PaxosMessage & { type: 'Nack' };

export function loadProposer(env: PaxosEnv, value: number): ProposerState {
  const round = env.storage.get<number>(KEY) ?? 0;
  return {
    value,
    round,
    highestRound: round,
    phase: 'idle',
    ballot: null,
    promises: [],
    proposal: null,
    accepts: [],
    attempt: 0,
  };
}

/**
 * Sends a request to every acceptor: remote ones first, then this node's own acceptor, whose
 * reply is handled at once (a node does not message itself, so a round costs n−1 per phase).
 */
function toAcceptors(node: PaxosNode, m: PaxosMessage & { type: 'Prepare' | 'Accept' }): void {
  const { s, env, roles, opts } = node;
  for (const to of roles.acceptors) if (to !== env.id) env.send(to, m);
  if (s.acceptor === null) return;
  const reply =
    m.type === 'Prepare'
      ? onPrepare(s.acceptor, env, opts.variant, m)
      : onAccept(s.acceptor, env, m);
  onProposerReply(node, env.id, reply);
}

/** Phase 1a with a ballot higher than any this proposer has used or seen. */
export function startBallot(node: PaxosNode): void {
  const { s, env, opts } = node;
  const p = s.proposer;
  assert(p !== null, 'only proposers start ballots');
  if (p.phase === 'done') return;
  p.round = Math.max(p.round, p.highestRound) + 1;
  env.storage.set(KEY, p.round); // Durable BEFORE the Prepare leaves (the host's rule).
  const ballot: Ballot = { round: p.round, proposer: env.id };
  p.phase = 'preparing';
  p.ballot = ballot;
  p.promises = [];
  p.proposal = null;
  p.accepts = [];
  env.output({ type: 'prepare', ballot, value: p.value });
  env.setTimer('retry', env.random.range(opts.retryMs, 2 * opts.retryMs));
  // The notes' Prepare carries the proposal [n, v]; Paxos's carries only n.
  toAcceptors(node, {
    type: 'Prepare',
    ballot,
    value: opts.variant === 'seed-notes' ? p.value : null,
  });
}

function isCurrent(p: ProposerState, ballot: Ballot, phase: 'preparing' | 'accepting'): boolean {
  return p.phase === phase && p.ballot !== null && compareBallots(p.ballot, ballot) === 0;
}

/** Phase 2a's value rule (§2.2, P2c): the value of the highest-numbered reported proposal. */
function valueToPropose(p: ProposerState): number {
  let best: Proposal | null = null;
  for (const { accepted } of p.promises) {
    if (accepted !== null && (best === null || compareBallots(accepted.ballot, best.ballot) > 0))
      best = accepted;
  }
  return best === null ? p.value : best.value;
}

function onPromise(node: PaxosNode, from: NodeId, m: Promise_): void {
  const p = node.s.proposer;
  if (p === null || !isCurrent(p, m.ballot, 'preparing')) return; // Stale or duplicate.
  if (p.promises.some((x) => x.from === from)) return;
  p.promises.push({ from, accepted: m.accepted });
  if (p.promises.length < node.roles.majority) return;
  const ballot = p.ballot;
  assert(ballot !== null, 'a preparing proposer has a ballot');
  p.phase = 'accepting';
  p.proposal = valueToPropose(p);
  p.accepts = [];
  node.env.setTimer('retry', node.env.random.range(node.opts.retryMs, 2 * node.opts.retryMs));
  toAcceptors(node, { type: 'Accept', ballot, value: p.proposal });
}

function onAccepted(node: PaxosNode, from: NodeId, m: Accepted): void {
  const p = node.s.proposer;
  if (p === null || !isCurrent(p, m.ballot, 'accepting')) return;
  if (m.value !== p.proposal || p.accepts.includes(from)) return;
  p.accepts = [...p.accepts, from].sort((a, b) => a - b);
  if (p.accepts.length < node.roles.majority) return;
  // A majority accepted this ballot: its value is chosen. As the distinguished learner this
  // proposer tells every other node (§2.3).
  const value = p.proposal;
  assert(value !== null, 'an accepting proposer has a proposal');
  learn(node, value);
  node.env.broadcast({ type: 'Chosen', value });
}

function onNack(node: PaxosNode, m: Nack): void {
  const p = node.s.proposer;
  if (p === null) return;
  p.highestRound = Math.max(p.highestRound, m.promised.round);
  if (!isCurrent(p, m.ballot, 'preparing') && !isCurrent(p, m.ballot, 'accepting')) return;
  if (p.ballot === null || compareBallots(m.promised, p.ballot) <= 0) return; // Not a refusal.
  // Preempted (§2.3): abandon the ballot and back off for a random time before a higher one.
  p.phase = 'idle';
  p.attempt++;
  node.env.cancelTimer('retry');
  const window = node.opts.backoffMs * 2 ** Math.min(p.attempt, BACKOFF_MAX_DOUBLINGS);
  node.env.setTimer('backoff', node.env.random.range(1, window));
}

/** Replies from acceptors (also this node's own acceptor, handled in the same step). */
export function onProposerReply(node: PaxosNode, from: NodeId, m: PaxosMessage): void {
  if (m.type === 'Promise') onPromise(node, from, m);
  else if (m.type === 'Accepted') onAccepted(node, from, m);
  else if (m.type === 'Nack') onNack(node, m);
}

export function onProposerTimer(node: PaxosNode, name: 'retry' | 'backoff'): void {
  const p = node.s.proposer;
  if (p === null || p.phase === 'done') return;
  if (name === 'backoff' && p.phase !== 'idle') return;
  if (name === 'retry' && p.phase === 'idle') return;
  if (name === 'retry') p.attempt++;
  startBallot(node);
}
