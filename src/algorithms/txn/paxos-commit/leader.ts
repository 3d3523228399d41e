// A Paxos Commit leader's work on one transaction [Gray & Lamport 2006 §4], shared by the TM
// (the leader of ballot 0, and of a higher ballot when it times out or restarts) and by an
// in-doubt RM that takes over (the paper's "another coordinator"). At ballot 0 there is no
// phase 1: each RM's own phase 2a is already the proposal. A new leader takes a fresh
// ballot (its durable round, so never one it used before a crash), runs phase 1 for every
// instance of the transaction at once, and proposes for each instance the value accepted at
// the highest ballot among F+1 promises — Aborted where none was (a free instance: that RM
// never voted, so the transaction may abort). An instance is chosen when F+1 acceptors
// accept one value at one ballot; the transaction commits when every instance is chosen
// Prepared and aborts as soon as one is chosen Aborted.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import type { TxnOutcome } from '../shared/outputs.js';
import type { PaxosCommitMessage } from './messages.js';
import type { Leading, X } from './state.js';

type Phase1b = Extract<PaxosCommitMessage, { type: 'Phase1b' }>;
type Phase2b = Extract<PaxosCommitMessage, { type: 'Phase2b' }>;

export function newLeading(ballot: number, retryAtMs: number, chosen = {}): Leading {
  return {
    ballot,
    phase: ballot === 0 ? 'phase2' : 'phase1',
    retryAtMs,
    promised: [],
    highest: {},
    votes: {},
    chosen,
  };
}

/** Starts a higher ballot for `txn` (phase 1a to every acceptor). */
export function lead(x: X, txn: number, retryAtMs: number): void {
  const { s, env, c } = x;
  s.round++;
  const ballot = s.round * c.n + env.id;
  s.leading[txn] = newLeading(ballot, retryAtMs, s.leading[txn]?.chosen);
  for (const to of c.acceptors) env.send(to, { type: 'Phase1a', txn, ballot });
  assert(ballot > 0, 'phase 1 runs only at ballots above 0');
}

export function leaderPhase1b(x: X, from: NodeId, m: Phase1b): void {
  const { s, env, c } = x;
  const l = s.leading[m.txn];
  if (l === undefined || l.ballot !== m.ballot || l.phase !== 'phase1') return;
  if (!m.ok) {
    // Beaten by a higher ballot: the next attempt (at retryAtMs) goes above it.
    s.round = Math.max(s.round, Math.floor(m.promised / c.n));
    return;
  }
  if (!c.acceptors.includes(from) || l.promised.includes(from)) return;
  l.promised.push(from);
  for (const a of m.accepted) {
    const had = l.highest[a.rm];
    if (had === undefined || a.ballot > had.ballot)
      l.highest[a.rm] = { ballot: a.ballot, value: a.value };
  }
  if (l.promised.length < c.quorum) return;
  l.phase = 'phase2';
  for (const rm of c.rms) {
    const value = l.highest[rm]?.value ?? 'aborted';
    for (const to of c.acceptors)
      env.send(to, { type: 'Phase2a', txn: m.txn, rm, ballot: l.ballot, value });
  }
  assert(l.promised.length <= c.acceptors.length, 'each acceptor promises once');
}

/** Records a phase 2b; returns the outcome once the instances decide it. */
export function leaderPhase2b(x: X, from: NodeId, m: Phase2b): TxnOutcome | undefined {
  const { s, c } = x;
  const l = s.leading[m.txn];
  if (l === undefined || !c.acceptors.includes(from)) return undefined;
  const votes = l.votes[m.rm] ?? [];
  l.votes[m.rm] = votes;
  let entry = votes.find((v) => v.ballot === m.ballot);
  if (entry === undefined) {
    entry = { ballot: m.ballot, value: m.value, from: [] };
    votes.push(entry);
  }
  if (!entry.from.includes(from) && entry.value === m.value) entry.from.push(from);
  if (entry.from.length >= c.quorum) l.chosen[m.rm] = entry.value;
  if (Object.values(l.chosen).includes('aborted')) return 'abort';
  return c.rms.every((rm) => l.chosen[rm] === 'prepared') ? 'commit' : undefined;
}
