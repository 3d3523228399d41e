// The proposer of single-decree Paxos (Paxos Made Simple §2.2, phases 1a and 2a; §2.4 on
// progress).
//
// Fault model: crash-recovery with lossy, duplicating, reordering links. The highest round
// used (`round`, a durable field) is raised in the step that sends the Prepare, so the host
// makes it durable BEFORE the Prepare leaves and a restarted proposer never reuses a ballot
// (reusing one with another value could let two values be accepted in one ballot).
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
import type { ProposerState, X } from './state.js';

/** The backoff window stops doubling after this many abandoned ballots. */
const BACKOFF_MAX_DOUBLINGS = 6;

type Promise_ = PaxosMessage & { type: 'Promise' };
type Accepted = PaxosMessage & { type: 'Accepted' };
type Nack = PaxosMessage & { type: 'Nack' };
type Reply = Promise_ | Accepted | Nack;

/** What must hold of a proposer between steps (our own bookkeeping, never peer input). */
export function assertProposer(x: X): void {
  const { s, env, c } = x;
  const p = s.proposer;
  if (p === null) return;
  assert((p.phase === 'done') === (s.learned !== null), 'a proposer is done once it learned');
  assert(
    p.ballot === null || (p.ballot.round === s.round && p.ballot.proposer === env.id),
    'the current ballot is the last one this node issued',
  );
  assert(p.accepts.length <= c.roles.acceptors.length, 'at most every acceptor accepts');
}

/**
 * Sends a request to every acceptor: remote ones first, then this node's own acceptor, whose
 * reply is handled at once (a node does not message itself, so a round costs n−1 per phase).
 */
function toAcceptors(x: X, m: PaxosMessage & { type: 'Prepare' | 'Accept' }): void {
  const { s, env, c } = x;
  for (const to of c.roles.acceptors) if (to !== env.id) env.send(to, m);
  if (s.acceptor === null) return;
  const reply =
    m.type === 'Prepare' ? onPrepare(s.acceptor, c.variant, m) : onAccept(s.acceptor, env, m);
  const handler = proposerReplies[reply.type as Reply['type']] as (
    x: X,
    from: NodeId,
    m: PaxosMessage,
  ) => void;
  handler(x, env.id, reply);
}

/** Phase 1a with a ballot higher than any this proposer has used or seen. */
export function startBallot(x: X): void {
  const { s, env, c } = x;
  const p = s.proposer;
  assert(p !== null, 'only proposers start ballots');
  if (p.phase === 'done') return;
  // Durable BEFORE the Prepare leaves: the kernel saves `round` in this step.
  s.round = Math.max(s.round, p.highestRound) + 1;
  const ballot: Ballot = { round: s.round, proposer: env.id };
  p.phase = 'preparing';
  p.ballot = ballot;
  p.promises = [];
  p.proposal = null;
  p.accepts = [];
  env.output({ type: 'prepare', ballot, value: p.value });
  env.setTimer('retry', env.random.range(c.retryMs, 2 * c.retryMs));
  // The notes' Prepare carries the proposal [n, v]; Paxos's carries only n.
  toAcceptors(x, {
    type: 'Prepare',
    ballot,
    value: c.variant === 'seed-notes' ? p.value : null,
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

function onPromise(x: X, from: NodeId, m: Promise_): void {
  const { s, env, c } = x;
  const p = s.proposer;
  if (p === null || !isCurrent(p, m.ballot, 'preparing')) return; // Stale or duplicate.
  if (p.promises.some((q) => q.from === from)) return;
  p.promises.push({ from, accepted: m.accepted });
  if (p.promises.length < c.roles.majority) return;
  const ballot = p.ballot;
  assert(ballot !== null, 'a preparing proposer has a ballot');
  p.phase = 'accepting';
  p.proposal = valueToPropose(p);
  p.accepts = [];
  env.setTimer('retry', env.random.range(c.retryMs, 2 * c.retryMs));
  toAcceptors(x, { type: 'Accept', ballot, value: p.proposal });
}

function onAccepted(x: X, from: NodeId, m: Accepted): void {
  const { s, env, c } = x;
  const p = s.proposer;
  if (p === null || !isCurrent(p, m.ballot, 'accepting')) return;
  if (m.value !== p.proposal || p.accepts.includes(from)) return;
  p.accepts = [...p.accepts, from].sort((a, b) => a - b);
  if (p.accepts.length < c.roles.majority) return;
  // A majority accepted this ballot: its value is chosen. As the distinguished learner this
  // proposer tells every other node (§2.3).
  const value = p.proposal;
  assert(value !== null, 'an accepting proposer has a proposal');
  learn(x, value);
  env.broadcast({ type: 'Chosen', value });
}

function onNack(x: X, _from: NodeId, m: Nack): void {
  const { env, c } = x;
  const p = x.s.proposer;
  if (p === null) return;
  p.highestRound = Math.max(p.highestRound, m.promised.round);
  if (!isCurrent(p, m.ballot, 'preparing') && !isCurrent(p, m.ballot, 'accepting')) return;
  if (p.ballot === null || compareBallots(m.promised, p.ballot) <= 0) return; // Not a refusal.
  // Preempted (§2.3): abandon the ballot and back off for a random time before a higher one.
  p.phase = 'idle';
  p.attempt++;
  env.cancelTimer('retry');
  const window = c.backoffMs * 2 ** Math.min(p.attempt, BACKOFF_MAX_DOUBLINGS);
  env.setTimer('backoff', env.random.range(1, window));
}

/** Replies from acceptors, remote ones and this node's own (handled in the same step). */
export const proposerReplies = {
  Promise: onPromise,
  Accepted: onAccepted,
  Nack: onNack,
} as const satisfies { [K in Reply['type']]: (x: X, from: NodeId, m: Reply & { type: K }) => void };

/** `retry`: the ballot made no progress in time; start a higher one. Whether it did. */
export function onRetryTimer(x: X): boolean {
  const p = x.s.proposer;
  if (p === null || p.phase === 'done' || p.phase === 'idle') return false;
  p.attempt++;
  startBallot(x);
  return true;
}

/** `backoff`: the random wait after a Nack is over; start a higher ballot. Whether it did. */
export function onBackoffTimer(x: X): boolean {
  const p = x.s.proposer;
  if (p === null || p.phase !== 'idle') return false;
  startBallot(x);
  return true;
}
