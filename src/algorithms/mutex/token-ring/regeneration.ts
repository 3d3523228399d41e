// Detecting a lost token and regenerating it exactly once [001 §2.1: "after fixing the
// single point of failure"]. Two triggers:
//   * lost: a node that wants the token (not done) sees none for `lostMs` (+ jitter). It
//     first Probes everyone — a Paxos-style pre-vote — so a node that was merely cut off
//     (or excluded from the ring) rejoins instead of killing a live token: anyone holding
//     the token, or who saw it within `aliveMs`, answers "alive" and puts the prober on the
//     ring's joiner list. Only when a majority say "lost" does it Prepare.
//   * repair: a holder whose successor does not acknowledge after HANDOFF_ATTEMPTS (or
//     whose ring has shrunk below a majority) Prepares at once, naming the stamp it holds.
//     The successor may have taken the token (its ack lost), so skipping it needs a new
//     generation too; whoever saw a newer stamp answers "alive" and the repair is withdrawn.
// Prepare(g) asks for a promise to refuse every generation below g; g is unique to its
// candidate (options.ts nextGeneration). A promise is durable BEFORE it is sent and is a
// grant (lease.ts): it reports what is left of the promiser's previous grant. With a
// majority of promises the candidate waits out the largest remainder, then issues the
// generation-g token with the promisers (and known joiners) as the ring — a dead node does
// not promise, so it is skipped. A candidate told "alive" withdraws (Withdraw lets its
// promisers take their promises back). Fault model and safety argument: lease.ts, README.md.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { majority } from '../../../core/quorum.js';
import { onHolding } from './holder.js';
import { remainingGrantMs } from './lease.js';
import type { RingToken, TokenRingMessage } from './messages.js';
import { nextGeneration } from './options.js';
import { compareStamps, type TokenStamp } from './stamp.js';
import { armLost, type Ctx, isDone } from './state.js';

type Msg<T extends TokenRingMessage['type']> = TokenRingMessage & { type: T };

/** Withdrawn generations remembered, to answer a late Promise for one with a Withdraw. */
const WITHDRAWN_KEPT = 8;
/** An unrealized promise is repeated to its candidate after this, doubling, this often. */
const PROMISE_NUDGE_MS = 150;
const PROMISE_NUDGES = 4;

/**
 * Gives up the round in progress. A generation given up is never issued (nor its number
 * reused: `proposed`), so every promise for it — ours and our promisers' — only ever backed
 * a token that will not exist: we take ours back and send Withdraw so they may take theirs
 * back. Else they would refuse the live token when it reaches them.
 */
function abandon(c: Ctx): void {
  const { s, env } = c;
  const r = s.regen;
  if (r !== null && r.kind === 'prepare') {
    if (s.promised === r.gen) s.promised = r.promisedBefore;
    for (const p of r.promises)
      if (p.node !== env.id) env.send(p.node, { type: 'Withdraw', gen: r.gen });
    s.withdrawn = [...s.withdrawn, r.gen].slice(-WITHDRAWN_KEPT);
  }
  s.regen = null;
  env.cancelTimer('regen');
  env.cancelTimer('issue');
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
  // A sighting of a generation we have since promised away is no evidence: that token is
  // dead (we would refuse it).
  const last = s.lastToken;
  return last !== null && last.gen >= s.promised && env.now() - last.atMs < c.t.aliveMs;
}

export function onProbe(c: Ctx, from: NodeId): void {
  const alive = seesToken(c);
  const holding = c.s.token !== null;
  c.env.send(from, { type: 'ProbeReply', alive, holding, seen: c.s.seen, promised: c.s.promised });
  if (!alive) return;
  addJoiner(c, from);
  // A parked (or lone) token must move again to reach the joiner.
  onHolding(c, 'now');
}

export function onProbeReply(c: Ctx, from: NodeId, m: Msg<'ProbeReply'>): void {
  const r = c.s.regen;
  if (r === null || r.kind !== 'probe') return;
  // Hearsay is not evidence we pass on (lastToken stays): else "alive" could echo
  // between probers forever after the token is gone.
  const dead = c.s.deadToken;
  // Evidence no newer than the token we know is dead (and no newer generation under way)
  // does not count: else everyone who saw it go by would keep it "alive" for aliveMs.
  const stale =
    !m.holding && dead !== null && compareStamps(m.seen, dead) <= 0 && m.promised <= dead.gen;
  if (m.alive && !stale) return abandon(c);
  // The decision waits for the round's window (onRegenTimer): a holder's "alive" may
  // come after a majority of "lost" from members that merely have not seen it lately.
  if (!r.lost.includes(from)) r.lost.push(from);
}

/** Becomes a candidate for a fresh generation (also the repair path of a stuck holder). */
export function startPrepare(c: Ctx, holding: TokenStamp | null): void {
  const { s, env } = c;
  const now = env.now();
  const gen = nextGeneration(Math.max(s.promised, s.proposed), env.id, c.n);
  const remainingMs = remainingGrantMs(now - s.grantedAtMs, c.t.leaseMs);
  // A repairing holder gives up its token: the new generation replaces it.
  if (holding !== null) {
    s.token = null;
    s.handoff = null;
    c.io.cancelRetry();
  }
  const promisedBefore = s.promised;
  s.promised = gen;
  s.proposed = gen;
  s.grantedAtMs = now;
  s.regen = {
    kind: 'prepare',
    gen,
    promisedBefore,
    preparedAtMs: now,
    holding,
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
    if (r.lost.length >= majority(c.n)) return startPrepare(c, null);
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
  if (m.gen === s.promised) {
    // A re-sent Prepare whose Promise was lost (generations are unique to their candidate):
    // promise again, with the remainder computed then — the candidate waits from a later
    // receipt, which only adds margin. If we restarted since, we no longer know it; what is
    // left since boot covers any grant made before the crash (lease.ts).
    const p = s.promise;
    const remainingMs =
      p !== null && p.gen === m.gen
        ? p.remainingMs
        : remainingGrantMs(env.now() - s.grantedAtMs, c.t.leaseMs);
    env.send(from, { type: 'Promise', gen: m.gen, remainingMs, done: isDone(c) });
    return;
  }
  if (m.gen <= s.promised) return refuse(c, from, m.gen, 'stale');
  if (s.token !== null) {
    const older = m.holding !== null && compareStamps(s.token, m.holding) < 0;
    if (!older || s.phase === 'inside') {
      addJoiner(c, from);
      onHolding(c, 'now');
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
  s.promise = { gen: m.gen, remainingMs, before: s.promised, lastToken: s.lastToken };
  s.promised = m.gen; // Durable BEFORE the Promise leaves (host ordering rule).
  s.grantedAtMs = now;
  // A regeneration is under way: answer Probes "alive" while its token is due, so that a
  // prober (say, a node just restarted) does not start a rival generation.
  s.lastToken = { gen: m.gen, atMs: now };
  if (s.regen !== null) abandon(c);
  else armLost(c);
  env.send(from, { type: 'Promise', gen: m.gen, remainingMs, done: isDone(c) });
  s.promiseNudges = 0;
  env.setTimer('promise', PROMISE_NUDGE_MS);
}

/**
 * Our promise is still waiting for its token: repeat it to its candidate, which answers
 * Withdraw if it gave the generation up (a Withdraw can be lost, and an unreleased promise
 * would make us refuse the live token). A few times only: an issued token may simply not
 * come our way (we promised too late to be on its ring).
 */
export function onPromiseTimer(c: Ctx): void {
  const { s, env } = c;
  const p = s.promise;
  if (p === null || s.promised !== p.gen || s.seen.gen >= p.gen) return;
  if (s.promiseNudges >= PROMISE_NUDGES) return;
  s.promiseNudges++;
  const owner = (p.gen % c.n) + 1;
  env.send(owner, { type: 'Promise', gen: p.gen, remainingMs: p.remainingMs, done: isDone(c) });
  env.setTimer('promise', PROMISE_NUDGE_MS * 2 ** s.promiseNudges);
}

export function onPromise(c: Ctx, from: NodeId, m: Msg<'Promise'>): void {
  const r = c.s.regen;
  if (c.s.withdrawn.includes(m.gen)) return c.env.send(from, { type: 'Withdraw', gen: m.gen });
  if (r === null || r.kind !== 'prepare' || m.gen !== r.gen) return;
  if (r.promises.some((p) => p.node === from)) return;
  r.promises.push({ node: from, remainingMs: m.remainingMs, done: m.done });
  checkQuorum(c);
}

/** "stale": someone promised a generation at least as high; "alive": the token was not lost
 * after all (or moved on past a stuck holder). Either way this round is over. */
export function onRefuse(c: Ctx, m: Msg<'Refuse'>): void {
  const { s } = c;
  const r = s.regen;
  // Propose above it next time — without adopting it as our promise (it may be withdrawn).
  if (m.reason === 'stale') s.proposed = Math.max(s.proposed, m.promised);
  if (r === null || r.kind !== 'prepare' || m.gen !== r.gen) return;
  abandon(c);
}

/** Our promise's candidate withdrew: restore what the promise replaced. */
export function onWithdraw(c: Ctx, from: NodeId, m: Msg<'Withdraw'>): void {
  const { s } = c;
  // Generations are owned: gen ≡ id − 1 (mod n). Only the owner may withdraw one.
  if (m.gen % c.n !== from - 1) return;
  const p = s.promise;
  if (p === null || p.gen !== m.gen || s.promised !== m.gen) return;
  s.promised = p.before;
  s.lastToken = p.lastToken;
  s.promise = null;
}

function checkQuorum(c: Ctx): void {
  const r = c.s.regen;
  if (r === null || r.kind !== 'prepare' || r.waiting) return;
  if (r.promises.length < majority(c.n)) return;
  r.waiting = true;
  c.env.cancelTimer('regen');
  // Wait out the quorum's grants, and at least one retry period so that slower live nodes'
  // promises arrive and they are put on the new ring rather than left to rejoin.
  const waitMs = Math.max(c.t.regenRetryMs, ...r.promises.map((p) => p.remainingMs));
  c.env.setTimer('issue', waitMs);
}

/** Every grant the quorum reported has expired: the generation's token may exist. */
export function issue(c: Ctx): void {
  const { s, env } = c;
  const r = s.regen;
  if (r === null || r.kind !== 'prepare' || !r.waiting) return;
  if (s.promised !== r.gen) return abandon(c); // We promised a newer candidate meanwhile.
  assert(r.promises.length >= majority(c.n), 'issue only with a majority of promises');
  assert(s.token === null || s.token.gen < r.gen, 'a candidate holds no token of its generation');
  // The ring: whoever promised or asked to join. A skipped successor that is dead does not
  // promise, so it is off the ring until it comes back and asks (Probe).
  const members = new Set([env.id, ...s.joiners, ...r.promises.map((p) => p.node)]);
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
  s.lastToken = { gen: r.gen, atMs: now };
  env.output({ type: 'regenerate', gen: r.gen });
  env.note(`issued generation ${r.gen} for ring ${token.ring.join(',')}`);
  onHolding(c, 'idle');
}
