// The holder's side of the token ring [000, 001 §2.1]: the token goes round the logical
// ring 1 → 2 → … → n → 1; its holder enters the critical section if it wants to (and its
// lease allows, lease.ts), otherwise passes it on after `passDelayMs`. A node that takes
// the token records its take in the token's log — that is its grant — and acknowledges it
// (handoff.ts). Fault model: loss, duplication, reordering, crash-restart (the token is
// durable) and pauses up to `maxPauseMs`; a dead successor is handled by regeneration.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { majority } from '../../../core/quorum.js';
import { enterCriticalSection } from '../critical-section.js';
import { beginHandoff, classifyToken, onHandoffAck, takeToken } from './handoff.js';
import { mayEnter } from './lease.js';
import type { RingToken } from './messages.js';
import { stampOf } from './stamp.js';
import { armLost, type Ctx, isDone } from './state.js';

/** The member after `id` in ring order, or null when `id` is the only member. */
export function successor(ring: readonly NodeId[], id: NodeId): NodeId | null {
  const next = ring.find((m) => m > id) ?? ring[0];
  return next === undefined || next === id ? null : next;
}

function sortedUnion(a: readonly NodeId[], b: readonly NodeId[]): NodeId[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/**
 * The lease check: since our previous take of this generation's token, a majority of
 * nodes (us included) took it, and we will be out before that evidence expires.
 */
export function leaseAllows(c: Ctx): boolean {
  const { s, env } = c;
  const t = s.token;
  const ref = s.leaseRef;
  if (t === null || ref === null || ref.gen !== t.gen) return false;
  const granted = new Set(t.log.filter((g) => g.hop > ref.hop).map((g) => g.node));
  if (granted.size < majority(c.n)) return false;
  return mayEnter(env.now() - ref.atMs, c.t.holdMaxMs, c.t.leaseMs, c.t.model);
}

/** Enters while holding the token; the lease bounds the hold (holdMaxMs). */
function enter(c: Ctx): void {
  assert(c.s.token !== null && c.s.handoff === null, 'enter only while holding the token');
  enterCriticalSection(c.s, c.env, { waiting: 'pass', holdMaxMs: c.t.holdMaxMs });
}

/** Adds joiners and our done mark to the token we hold (before it moves on). */
function refreshToken(c: Ctx, t: RingToken): RingToken {
  const { s, env } = c;
  const ring = s.joiners.length === 0 ? t.ring : sortedUnion(t.ring, s.joiners);
  s.joiners = [];
  const done = isDone(c) && !t.done.includes(env.id) ? sortedUnion(t.done, [env.id]) : t.done;
  return ring === t.ring && done === t.done ? t : { ...t, ring, done };
}

/**
 * We hold the token and are not handing it off: enter if we want and may; otherwise pass it
 * on — at once after a critical section, after `passDelayMs` when idle — or park it when
 * every member is done.
 */
export function onHolding(c: Ctx, when: 'now' | 'idle'): void {
  const { s, env } = c;
  if (s.token === null || s.handoff !== null || s.phase === 'inside') return;
  s.token = refreshToken(c, s.token);
  if (s.phase === 'wanting' && leaseAllows(c)) return enter(c);
  const t = s.token;
  s.parked = t.ring.every((m) => t.done.includes(m));
  if (s.parked) return env.cancelTimer('pass');
  // A ring without a majority can never give anyone a lease: rebuild it from promisers.
  if (t.ring.length < majority(c.n)) return c.regenerate(c, stampOf(t));
  if (when === 'now' || s.phase === 'wanting' || c.opts.passDelayMs === 0) return pass(c);
  env.setTimer('pass', c.opts.passDelayMs);
}

/** Hands the token to our successor; we stay responsible until it acknowledges. */
export function pass(c: Ctx): void {
  const { s, env } = c;
  const t = s.token;
  if (t === null || s.handoff !== null || s.phase === 'inside') return;
  const ring = t.ring.includes(env.id) ? t.ring : sortedUnion(t.ring, [env.id]);
  const to = successor(ring, env.id);
  if (to === null) return; // Alone on the ring: keep it until someone joins.
  env.cancelTimer('pass');
  beginHandoff(s, c.io, to, (next) => ({ ...next, ring }));
}

export function onTokenAck(c: Ctx, from: NodeId, gen: number, hop: number): void {
  if (onHandoffAck(c.s, c.io, from, { gen, hop })) {
    c.s.lastToken = { gen, atMs: c.env.now() };
    armLost(c);
  }
}

/** Our successor promised a newer generation: the token we are handing off is dead. */
export function onTokenReject(c: Ctx, from: NodeId, gen: number, hop: number, promised: number) {
  const { s } = c;
  if (s.token === null || s.handoff?.to !== from) return;
  if (s.token.gen !== gen || s.token.hop !== hop || promised <= gen) return;
  // Dead for sure: a newer generation was promised (we do not adopt that promise — it may
  // yet be withdrawn). Sightings of this token or older ones are no evidence of life now.
  s.deadToken = { gen, hop };
  s.token = null;
  s.handoff = null;
  c.io.cancelRetry();
  // A newer generation exists: ask soon to be put on its ring (Probe → joiner).
  if (!isDone(c)) c.env.setTimer('lost', c.t.regenRetryMs);
}

function appendTake(c: Ctx, t: RingToken): RingToken {
  const log = [...t.log, { node: c.env.id, hop: t.hop }].slice(-c.n);
  const ring = t.ring.includes(c.env.id) ? t.ring : sortedUnion(t.ring, [c.env.id]);
  return { ...t, log, ring };
}

/** A Token arrived: refuse it if its generation is dead, re-ack a duplicate, else take it. */
export function onToken(c: Ctx, from: NodeId, token: RingToken): void {
  const { s, env } = c;
  if (token.gen < s.promised) {
    env.send(from, { type: 'TokenReject', gen: token.gen, hop: token.hop, promised: s.promised });
    return;
  }
  if (classifyToken(s, c.io, from, token) === 'duplicate') return;
  // A newer token supersedes whatever we held or were regenerating.
  if (s.regen !== null && (s.regen.kind === 'probe' || s.regen.gen <= token.gen)) {
    s.regen = null;
    env.cancelTimer('regen');
    env.cancelTimer('issue');
  }
  s.promised = Math.max(s.promised, token.gen);
  const now = env.now();
  s.leaseRef = s.visitRef?.gen === token.gen ? s.visitRef : null;
  s.visitRef = { gen: token.gen, hop: token.hop, atMs: now };
  s.grantedAtMs = now;
  s.lastToken = { gen: token.gen, atMs: now };
  takeToken(s, c.io, from, appendTake(c, token));
  env.cancelTimer('lost');
  onHolding(c, 'idle');
}
