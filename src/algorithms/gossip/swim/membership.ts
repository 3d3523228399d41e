// SWIM's membership rules (§4.2, with Lifeguard's additions) and its dissemination buffer
// (§4.1). An update about member M with incarnation i overrides what we hold when:
//   alive(M, i):   M suspect with inc < i, alive with inc < i, or failed with inc < i;
//   suspect(M, i): M alive with inc ≤ i, or suspect with inc < i;
//   confirm(M, i): M not failed with inc ≤ i, or failed with inc < i (final for that life).
// An update about ourselves is refuted: a higher incarnation and alive(self) go out. A new
// update joins the buffer, replacing any older one about the same member, and rides on the
// next messages until it has been sent `retransmits` times (λ·log n in the paper).

import { assert } from '../../../core/assert.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { MemberUpdate, SwimMessage } from './messages.js';
import type { SwimConfig } from './options.js';
import type { Member, SwimOutput, SwimState } from './state.js';

export type X = Step<SwimMessage, SwimOutput, SwimState, SwimConfig>;

/** Queues `u` for piggybacking, replacing older news about the same member. */
export function gossipEnqueue({ s }: X, u: MemberUpdate): void {
  s.gossip = s.gossip.filter((g) => g.update.node !== u.node);
  s.gossip.push({ update: u, sent: 0 });
}

/**
 * Up to maxPiggyback updates for a message to `to`, least-sent first. Lifeguard's buddy
 * system (or `buddy`, for reconnect probes): news that `to` is suspected (or failed) goes
 * first, so it can refute at once.
 */
export function gossipTake(x: X, to: NodeId, opts: { buddy?: boolean } = {}): MemberUpdate[] {
  const { s, env, c } = x;
  const m = s.members[to];
  const buddy: MemberUpdate[] = [];
  if ((c.lifeguard || opts.buddy === true) && m !== undefined && m.status !== 'alive')
    buddy.push({
      kind: m.status === 'suspect' ? 'suspect' : 'confirm',
      node: to,
      incarnation: m.incarnation,
      from: env.id,
    });
  const picked = [...s.gossip]
    .sort((a, b) => a.sent - b.sent)
    .filter((g) => g.update.node !== to || buddy.length === 0)
    .slice(0, c.maxPiggyback - buddy.length);
  for (const g of picked) g.sent++;
  s.gossip = s.gossip.filter((g) => g.sent < c.retransmits);
  return [...buddy, ...picked.map((g) => g.update)];
}

/** We are suspected or declared failed: outlive the rumor with a higher incarnation. */
function refute(x: X, u: MemberUpdate): void {
  const { s, env, c } = x;
  if (u.kind === 'alive') return;
  // A rumor about an older life: our current incarnation already outranks it, but the news
  // of it may have run out of retransmissions, so it goes out again.
  if (u.incarnation < s.incarnation)
    return gossipEnqueue(x, {
      kind: 'alive',
      node: env.id,
      incarnation: s.incarnation,
      from: env.id,
    });
  s.incarnation = u.incarnation + 1;
  s.refutations++;
  if (c.lifeguard) s.lhm = Math.min(c.maxLhm, s.lhm + 1); // Being suspected: maybe we are slow.
  gossipEnqueue(x, { kind: 'alive', node: env.id, incarnation: s.incarnation, from: env.id });
  assert(s.incarnation > u.incarnation, 'a refutation outranks the rumor');
}

function overrides(m: Member, u: MemberUpdate): boolean {
  if (u.kind === 'alive') return u.incarnation > m.incarnation;
  if (u.kind === 'suspect')
    return m.status === 'alive'
      ? u.incarnation >= m.incarnation
      : m.status === 'suspect' && u.incarnation > m.incarnation;
  // The paper's confirm overrides any incarnation; members here rejoin under a higher one
  // (memberlist's rule), so a confirmation of an older life must not bury the new one.
  return m.status === 'faulty' ? u.incarnation > m.incarnation : u.incarnation >= m.incarnation;
}

/** Applies one piggybacked update (or one of our own); returns whether it changed anything. */
export function applyUpdate(x: X, u: MemberUpdate): boolean {
  const { s, env } = x;
  if (u.node === env.id) {
    refute(x, u);
    return false;
  }
  const m = s.members[u.node];
  if (m === undefined) return false; // Not a member of this cluster (the parser bounds ids).
  if (!overrides(m, u)) {
    // The same suspicion from another member: Lifeguard's dogpile counts it.
    const sus = s.suspicions[u.node];
    if (u.kind === 'suspect' && m.status === 'suspect' && u.incarnation === m.incarnation && sus)
      if (!sus.suspecters.includes(u.from))
        sus.suspecters = [...sus.suspecters, u.from].sort((a, b) => a - b);
    return false;
  }
  const wasFaulty = m.status === 'faulty';
  m.incarnation = u.incarnation;
  m.status = u.kind === 'confirm' ? 'faulty' : u.kind;
  if (m.status === 'suspect') s.suspicions[u.node] = { startMs: env.now(), suspecters: [u.from] };
  else delete s.suspicions[u.node];
  if (m.status === 'faulty' && !wasFaulty) env.output({ type: 'suspect', peer: u.node });
  if (m.status !== 'faulty' && wasFaulty) env.output({ type: 'trust', peer: u.node });
  gossipEnqueue(x, u);
  assert(m.incarnation === u.incarnation, 'the member takes the update’s incarnation');
  return true;
}

/** Raises a suspicion (or, without the suspicion mechanism, a confirmation) about `target`. */
export function suspectMember(x: X, target: NodeId): void {
  const { s, env, c } = x;
  const m = s.members[target];
  if (m === undefined || m.status === 'faulty') return;
  const kind = c.suspicion ? 'suspect' : 'confirm';
  if (kind === 'suspect' && m.status === 'suspect') return;
  s.suspicionsRaised++;
  if (kind === 'confirm') s.declared++;
  applyUpdate(x, { kind, node: target, incarnation: m.incarnation, from: env.id });
}

/** A suspicion ran out unrefuted: this member declares `node` failed. */
export function confirmMember(x: X, node: NodeId): void {
  const { s, env } = x;
  const m = s.members[node];
  if (m === undefined || m.status !== 'suspect') return;
  s.declared++;
  applyUpdate(x, { kind: 'confirm', node, incarnation: m.incarnation, from: env.id });
  assert(s.members[node]?.status === 'faulty', 'a confirmed member is failed');
}

/** The suspicion timeout for `node` now: Lifeguard shrinks it as suspecters pile on. */
export function suspicionTimeoutMs({ s, c }: X, node: NodeId): number {
  const sus = s.suspicions[node];
  if (!c.lifeguard || sus === undefined || c.k === 0) return c.suspicionMinMs;
  const confirmations = Math.min(c.k, sus.suspecters.length - 1);
  const frac = Math.log(confirmations + 1) / Math.log(c.k + 1);
  return Math.max(
    c.suspicionMinMs,
    Math.floor(c.suspicionMaxMs - (c.suspicionMaxMs - c.suspicionMinMs) * frac),
  );
}
