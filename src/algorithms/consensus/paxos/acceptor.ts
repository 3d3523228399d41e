// The acceptor of single-decree Paxos (Paxos Made Simple §2.2, phases 1b and 2b).
//
// Fault model: crash-recovery. The acceptor's whole state — the promised ballot and the
// accepted proposal — is a durable field of the node's state (paxos.ts), which the kernel
// saves in the step that changes it; the host makes that write durable BEFORE the reply leaves (§2.3: "an acceptor must remember this
// information even if it fails and then restarts"). Messages may be lost, duplicated or
// reordered: every reply is a pure function of the request and the durable state.
//
// Variant `seed-notes` models note 003: a Prepare carries a proposal [n, v]; the acceptor
// remembers the last proposal it was PREPARED with and reports THAT in its Promise, not the
// proposal it accepted. This is the note's mistake (SPEC §3), kept so the fuzzer can break it.

import { assert } from '../../../core/assert.js';
import type { Env } from '../../../core/process.js';
import { type Ballot, compareBallots } from './ballot.js';
import type { PaxosMessage, PaxosOutput, Proposal } from './messages.js';
import type { PaxosVariant } from './options.js';

export interface AcceptorState {
  /** The highest ballot promised; never decreases, even across restarts. */
  promised: Ballot;
  /** The highest-numbered proposal accepted, or null. */
  accepted: Proposal | null;
  /** `seed-notes` only: the last proposal received in a Prepare. */
  prepared: Proposal | null;
}

type E = Env<PaxosMessage, PaxosOutput>;
type Prepare = PaxosMessage & { type: 'Prepare' };
type Accept = PaxosMessage & { type: 'Accept' };

/** Phase 1b: returns the reply to send to the proposer `from`. */
export function onPrepare(a: AcceptorState, variant: PaxosVariant, m: Prepare): PaxosMessage {
  // The note drops a Prepare only when it has seen a HIGHER number ("n1 > n2"), so an equal
  // one (a duplicate) is answered again; real Paxos answers duplicates the same way.
  if (compareBallots(m.ballot, a.promised) < 0)
    return { type: 'Nack', ballot: m.ballot, promised: a.promised };
  a.promised = m.ballot;
  if (variant === 'seed-notes') {
    const reported = a.prepared;
    a.prepared = { ballot: m.ballot, value: m.value ?? 0 };
    assert(compareBallots(a.promised, m.ballot) === 0, 'a Promise raises the promise to b');
    return { type: 'Promise', ballot: m.ballot, accepted: reported };
  }
  assert(compareBallots(a.promised, m.ballot) === 0, 'a Promise raises the promise to b');
  return { type: 'Promise', ballot: m.ballot, accepted: a.accepted };
}

/** Phase 2b: accept unless a higher ballot has been promised (§2.2, P1a). */
export function onAccept(a: AcceptorState, env: E, m: Accept): PaxosMessage {
  if (compareBallots(m.ballot, a.promised) < 0)
    return { type: 'Nack', ballot: m.ballot, promised: a.promised };
  a.promised = m.ballot;
  a.accepted = { ballot: m.ballot, value: m.value };
  assert(compareBallots(a.accepted.ballot, a.promised) === 0, 'the accepted ballot is promised');
  env.output({ type: 'accepted', ballot: m.ballot, value: m.value });
  return { type: 'Accepted', ballot: m.ballot, value: m.value };
}
