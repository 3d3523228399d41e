// Reliable token hand-off, shared by `mutex/token-ring` and `mutex/two-layer-token-ring`.
//
// Fault model: messages may be lost, duplicated, delayed and reordered; nodes may crash and
// restart. The sender stays responsible for the token until the receiver acknowledges it:
// it keeps the token (durably, with the hand-off it started) and re-sends it on a timer. The
// receiver recognises a copy it has already taken by its stamp (generation, hop) — every
// hand-off raises the hop — and only acknowledges it again. So loss never loses the token
// and duplication never doubles it. Holding the token is durable: a restarted holder still
// has it, and a restarted sender resumes its hand-off.
//
// What this module does not do: decide what to do when the receiver never answers. The
// token ring regenerates past a dead successor (regeneration.ts); the two-layer ring keeps
// re-sending (its fault model does not include permanent crashes).

import type { NodeId } from '../../../core/process.js';
import { compareStamps, stampOf, type TokenStamp } from './stamp.js';

export interface Handoff {
  readonly to: NodeId;
  /** Sends so far, the first included. */
  readonly attempts: number;
}

/** One node's side of one token: what it holds and the newest stamp it has seen. */
export interface HandoffState<T extends TokenStamp> {
  /** The token this node holds, or is handing off (then `handoff` is set). Durable. */
  token: T | null;
  /** The hand-off awaiting the receiver's acknowledgement. Durable. */
  handoff: Handoff | null;
  /** The newest stamp this node has taken or sent: older or equal copies are duplicates. */
  seen: TokenStamp;
}

/** How a node sends the messages of one token (their names differ per ring). */
export interface HandoffIo<T extends TokenStamp> {
  sendToken(to: NodeId, token: T): void;
  sendAck(to: NodeId, stamp: TokenStamp): void;
  /** (Re-)arms the hand-off retry timer after send number `attempt` (1 for the first). */
  armRetry(attempt: number): void;
  cancelRetry(): void;
}

/** Starts handing the held token to `to`: the copy in flight carries the next hop. */
export function beginHandoff<T extends TokenStamp>(
  h: HandoffState<T>,
  io: HandoffIo<T>,
  to: NodeId,
  prepare: (next: T) => T = (next) => next,
): void {
  const held = h.token;
  if (held === null || h.handoff !== null) return;
  const next = prepare({ ...held, hop: held.hop + 1 });
  h.token = next;
  h.seen = stampOf(next);
  h.handoff = { to, attempts: 1 };
  io.sendToken(to, next);
  io.armRetry(1);
}

/** The retry timer fired: send the same copy again (same stamp, so it cannot double). */
export function retryHandoff<T extends TokenStamp>(h: HandoffState<T>, io: HandoffIo<T>): void {
  if (h.token === null || h.handoff === null) return;
  h.handoff = { to: h.handoff.to, attempts: h.handoff.attempts + 1 };
  io.sendToken(h.handoff.to, h.token);
  io.armRetry(h.handoff.attempts);
}

/** An acknowledgement arrived: true when it ends our hand-off (we no longer hold it). */
export function onHandoffAck<T extends TokenStamp>(
  h: HandoffState<T>,
  io: HandoffIo<T>,
  from: NodeId,
  stamp: TokenStamp,
): boolean {
  if (h.token === null || h.handoff === null || h.handoff.to !== from) return false;
  if (compareStamps(stamp, h.token) !== 0) return false; // An ack of an older hand-off.
  h.token = null;
  h.handoff = null;
  io.cancelRetry();
  return true;
}

/**
 * A token copy arrived. A copy no newer than what we have seen is a retransmission or a
 * network duplicate of one we already took: acknowledge it again and report 'duplicate'.
 * Otherwise the caller decides whether to take it (and then calls `takeToken`).
 */
export function classifyToken<T extends TokenStamp>(
  h: HandoffState<T>,
  io: HandoffIo<T>,
  from: NodeId,
  token: TokenStamp,
): 'duplicate' | 'new' {
  if (compareStamps(token, h.seen) > 0) return 'new';
  io.sendAck(from, stampOf(token));
  return 'duplicate';
}

/** Takes a new copy: we hold it now; any hand-off of an older token we had is void. */
export function takeToken<T extends TokenStamp>(
  h: HandoffState<T>,
  io: HandoffIo<T>,
  from: NodeId,
  token: T,
): void {
  if (h.handoff !== null) io.cancelRetry();
  h.token = token;
  h.handoff = null;
  h.seen = stampOf(token);
  io.sendAck(from, stampOf(token));
}
