// A Paxos Commit acceptor: one Paxos acceptor per RM instance, the instances of a transaction
// sharing one promise (a leader's phase 1a covers them all, as the paper bundles them). It
// accepts a phase 2a at a ballot no lower than its promise — at ballot 0 only from the RM
// whose instance it is, at a higher ballot only from that ballot's leader — and tells that
// ballot's leader (the TM for ballot 0). Promises and acceptances are durable BEFORE the
// answers leave (the kernel saves `instances` in the step that sends them).

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import type { PaxosCommitMessage } from './messages.js';
import { leaderOf, proposerOf } from './options.js';
import type { X } from './state.js';

type Phase2a = Extract<PaxosCommitMessage, { type: 'Phase2a' }>;

const instanceOf = (x: X, txn: number) => x.s.instances[txn] ?? { promised: 0, accepted: [] };

export function acceptorPhase1a(x: X, from: NodeId, txn: number, ballot: number): void {
  const { s, env, c } = x;
  if (ballot === 0 || proposerOf(c, ballot, 0) !== from) return; // Not this leader's ballot.
  const inst = instanceOf(x, txn);
  if (ballot <= inst.promised) {
    env.send(from, {
      type: 'Phase1b',
      txn,
      ballot,
      ok: false,
      promised: inst.promised,
      accepted: [],
    });
    return;
  }
  s.instances = { ...s.instances, [txn]: { ...inst, promised: ballot } };
  env.send(from, {
    type: 'Phase1b',
    txn,
    ballot,
    ok: true,
    promised: ballot,
    accepted: inst.accepted,
  });
  assert(s.instances[txn]!.promised === ballot, 'promised');
}

export function acceptorPhase2a(x: X, from: NodeId, m: Phase2a): void {
  const { s, env, c } = x;
  if (proposerOf(c, m.ballot, m.rm) !== from) return; // Only the ballot's proposer proposes.
  const inst = instanceOf(x, m.txn);
  if (m.ballot < inst.promised) return;
  const accepted = [
    ...inst.accepted.filter((a) => a.rm !== m.rm),
    { rm: m.rm, ballot: m.ballot, value: m.value },
  ].sort((a, b) => a.rm - b.rm);
  s.instances = { ...s.instances, [m.txn]: { promised: m.ballot, accepted } };
  const { type: _, ...vote } = m;
  env.send(leaderOf(c, m.ballot), { type: 'Phase2b', ...vote });
  assert(s.instances[m.txn]!.promised >= m.ballot, 'an acceptance is a promise');
  assert(accepted.length <= c.rms.length, 'one value per RM instance');
}
