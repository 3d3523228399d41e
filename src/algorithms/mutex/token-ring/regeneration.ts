// Detecting a lost token and regenerating it exactly once [001 §2.1: "after fixing the
// single point of failure"]. Two triggers:
//   * lost: a node that wants the token (not done) sees none for `lostMs` (+ jitter). It
//     first Probes everyone — a Paxos-style pre-vote — so a node that was merely cut off
//     (or excluded from the ring) rejoins instead of killing a live token: anyone holding
//     the token, or who saw it within `aliveMs`, answers "alive" and puts the prober on the
//     ring's joiner list. Only when a majority say "lost" does it Prepare.
//   * repair: a holder whose successor does not acknowledge after HANDOFF_ATTEMPTS sends
//     Prepares at once, naming the stamp it holds and the member to skip. The successor may
//     have taken the token (its ack lost), so skipping it needs a new generation too.
// Prepare(g) asks for a promise to refuse every generation below g; g is unique to its
// candidate (config.ts nextGeneration). A promise is durable BEFORE it is sent and is a
// grant (lease.ts): it reports what is left of the promiser's previous grant. With a
// majority of promises the candidate waits out the largest remainder, then issues the
// generation-g token with the promisers (and known joiners) as the ring. Fault model and
// safety argument: lease.ts and README.md.

import type { NodeId } from '../../../core/process.js';
import { majority, nextGeneration } from './config.js';
import { onHolding } from './holder.js';
import { remainingGrantMs } from './lease.js';
import type { RingToken, TokenRingMessage } from './messages.js';
import { compareStamps, type TokenStamp } from './stamp.js';
import { armLost, type Ctx, isDone } from './state.js';

type Msg<T extends TokenRingMessage['type']> = TokenRingMessage & { type: T };

function abandon(c: Ctx): void {
  c.s.regen = null;
  c.env.cancelTimer('regen');
  c.env.cancelTimer('issue');
  armLost(c);
}

function addJoiner(c: Ctx, node: NodeId): void {
  if (!c.s.joiners.includes(node)) c.s.joiners.push(node);
}

/** The lost timer fired: probe, unless we hold the token or are already regenerating. */
export function onLostTimer(c: Ctx): void {
  const { s, env } = c;
  if (isDone(c)) return;
  if (s.token !== null || s.regen !== null) return armLost(c);
  s.regen = { kind: 'probe', lost: [env.id] };
  env.broadcast({ type: 'Probe' });
  env.setTimer('regen', c.t.regenRetryMs);
}

function seesToken(c: Ctx): boolean {
  const { s, env } = c;
  if (s.token !== null) return true;
  return s.lastTokenAtMs !== null && env.now() - s.lastTokenAtMs < c.t.aliveMs;
}

export function onProbe(c: Ctx, from: NodeId): void {
  const alive = seesToken(c);
  c.env.send(from, { type: 'ProbeReply', alive });
  if (!alive) return;
  addJoiner(c, from);
  // A parked token must move again to reach the joiner.
  if (c.s.parked) onHolding(c, 'now');
}

export function onProbeReply(c: Ctx, from: NodeId, m: Msg<'ProbeReply'>): void {
  const r = c.s.regen;
  if (r === null || r.kind !== 'probe') return;
  if (m.alive) {
    c.s.lastTokenAtMs = c.env.now();
    return abandon(c);
  }
  if (!r.lost.includes(from)) r.lost.push(from);
  if (r.lost.length >= majority(c.n)) startPrepare(c, null, null);
}

/** Becomes a candidate for a fresh generation (also the repair path of a stuck holder). */
export function startPrepare(c: Ctx, holding: TokenStamp | null, exclude: NodeId | null): void {
  const { s, env } = c;
  const now = env.now();
  const gen = nextGeneration(s.promised, env.id, c.n);
  const remainingMs = remainingGrantMs(now - s.grantedAtMs, c.t.leaseMs);
  // A repairing holder gives up its token: the new generation replaces it.
  if (holding !== null) {
    s.token = null;
    s.handoff = null;
    c.io.cancelRetry();
  }
  s.promised = gen;
  s.grantedAtMs = now;
  s.regen = {
    kind: 'prepare',
    gen,
    preparedAtMs: now,
    holding,
    exclude,
    promises: [{ node: env.id, remainingMs, done: isDone(c) }],
    waiting: false,
  };
  env.cancelTimer('lost');
  env.broadcast({ type: 'Prepare', gen, holding });
  env.setTimer('regen', c.t.regenRetryMs);
  checkQuorum(c);
}

/** The regen timer: re-send the round's message to whoever has not answered. */
export function onRegenTimer(c: Ctx): void {
  const { s, env } = c;
  const r = s.regen;
  if (r === null) return;
  if (r.kind === 'probe') {
    for (const peer of env.peers) if (!r.lost.includes(peer)) env.send(peer, { type: 'Probe' });
  } else if (!r.waiting) {
    for (const peer of env.peers) {
      if (!r.promises.some((p) => p.node === peer))
        env.send(peer, { type: 'Prepare', gen: r.gen, holding: r.holding });
    }
  }
  env.setTimer('regen', c.t.regenRetryMs);
}

function refuse(c: Ctx, to: NodeId, gen: number, reason: 'stale' | 'alive'): void {
  c.env.send(to, { type: 'Refuse', gen, reason, promised: c.s.promised });
}

export function onPrepare(c: Ctx, from: NodeId, m: Msg<'Prepare'>): void {
  const { s, env } = c;
  if (m.gen <= s.promised) return refuse(c, from, m.gen, 'stale');
  if (s.token !== null) {
    const older = m.holding !== null && compareStamps(s.token, m.holding) < 0;
    if (!older || s.phase === 'inside') {
      addJoiner(c, from);
      if (s.parked) onHolding(c, 'now');
      return refuse(c, from, m.gen, 'alive');
    }
    s.token = null; // A stale copy: the repairing holder's token is newer.
    s.handoff = null;
    c.io.cancelRetry();
  }
  // The token moved on past the stuck holder: its successor did take it.
  if (m.holding !== null && compareStamps(s.seen, m.holding) > 0)
    return refuse(c, from, m.gen, 'alive');
  const now = env.now();
  const remainingMs = remainingGrantMs(now - s.grantedAtMs, c.t.leaseMs);
  s.promised = m.gen; // Durable BEFORE the Promise leaves (host ordering rule).
  s.grantedAtMs = now;
  if (s.regen !== null) abandon(c);
  else armLost(c);
  env.send(from, { type: 'Promise', gen: m.gen, remainingMs, done: isDone(c) });
}

export function onPromise(c: Ctx, from: NodeId, m: Msg<'Promise'>): void {
  const r = c.s.regen;
  if (r === null || r.kind !== 'prepare' || m.gen !== r.gen) return;
  if (r.promises.some((p) => p.node === from)) return;
  r.promises.push({ node: from, remainingMs: m.remainingMs, done: m.done });
  checkQuorum(c);
}

export function onRefuse(c: Ctx, m: Msg<'Refuse'>): void {
  const { s } = c;
  const r = s.regen;
  if (m.reason === 'stale') s.promised = Math.max(s.promised, m.promised);
  if (r === null || r.kind !== 'prepare' || m.gen !== r.gen) return;
  // Once a majority promised, the old token is as good as dead: finish the generation.
  if (r.waiting && m.reason === 'alive') return;
  if (m.reason === 'alive') c.s.lastTokenAtMs = c.env.now();
  abandon(c);
}

function checkQuorum(c: Ctx): void {
  const r = c.s.regen;
  if (r === null || r.kind !== 'prepare' || r.waiting) return;
  if (r.promises.length < majority(c.n)) return;
  r.waiting = true;
  c.env.cancelTimer('regen');
  const waitMs = Math.max(...r.promises.map((p) => p.remainingMs));
  if (waitMs === 0) return issue(c);
  c.env.setTimer('issue', waitMs);
}

/** Every grant the quorum reported has expired: the generation's token may exist. */
export function issue(c: Ctx): void {
  const { s, env } = c;
  const r = s.regen;
  if (r === null || r.kind !== 'prepare' || !r.waiting) return;
  if (s.promised !== r.gen) return abandon(c); // We promised a newer candidate meanwhile.
  const members = new Set([env.id, ...s.joiners, ...r.promises.map((p) => p.node)]);
  if (r.exclude !== null && r.exclude !== env.id) members.delete(r.exclude);
  const token: RingToken = {
    gen: r.gen,
    hop: 0,
    ring: [...members].sort((a, b) => a - b),
    log: r.promises.map((p) => ({ node: p.node, hop: 0 })),
    done: r.promises
      .filter((p) => p.done)
      .map((p) => p.node)
      .sort((a, b) => a - b),
  };
  const now = env.now();
  s.regen = null;
  s.joiners = [];
  s.token = token;
  s.handoff = null;
  s.seen = { gen: r.gen, hop: 0 };
  // The promises were granted after our first Prepare: that is our reference point.
  s.leaseRef = { gen: r.gen, hop: -1, atMs: r.preparedAtMs };
  s.visitRef = { gen: r.gen, hop: 0, atMs: now };
  s.lastTokenAtMs = now;
  env.output({ type: 'regenerate', gen: r.gen });
  env.note(`issued generation ${r.gen} for ring ${token.ring.join(',')}`);
  onHolding(c, 'idle');
}
