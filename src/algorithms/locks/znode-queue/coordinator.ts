// The coordinator of locks/znode-queue (node 1): ZooKeeper's part of the lock recipe. A
// client's Ping opens or refreshes its session; a session silent for `sessionTimeoutMs`
// expires and its ephemeral entries go with it. Create adds an entry with the next sequence
// number (once per session and request) and sets the client's watch: on the entry just
// before its own (the recipe), or with `--herd` on the lowest entry — the holder — which
// every waiter then watches. Deleting an entry fires the watches on it (Notify). The lowest
// entry holds the lock; that is all a client is told (pred 0).

import type { NodeId } from '../../../core/process.js';
import type { X } from './options.js';
import type { Entry, Session } from './state.js';

const sessionKey = (client: NodeId, session: number) => `${client}:${session}`;

/** Sessions live now at the coordinator, as `client:session` keys (the invariant reads it). */
export function liveSessions(s: { sessions: readonly { client: number; session: number }[] }) {
  return new Set(s.sessions.map((x) => sessionKey(x.client, x.session)));
}

function findSession(x: X, client: NodeId, session: number) {
  return x.s.sessions.find((v) => v.client === client && v.session === session);
}

/** The entry `e` must wait for (0: none, it holds the lock), with its watch set on it. */
function watchFor(x: X, e: Entry): number {
  const { s, c } = x;
  const index = s.entries.findIndex((v) => v.seq === e.seq);
  if (index <= 0) return 0;
  const watched = (c.opts.herd ? s.entries[0] : s.entries[index - 1]) as Entry;
  if (!s.watches.some((w) => w.watched === watched.seq && w.watcher === e.client))
    s.watches.push({ watched: watched.seq, watcher: e.client });
  return watched.seq;
}

/** Removes an entry and fires the watches on it. */
function removeEntry(x: X, seq: number): void {
  const { s, env } = x;
  const index = s.entries.findIndex((e) => e.seq === seq);
  if (index < 0) return;
  s.entries.splice(index, 1);
  const fired = s.watches.filter((w) => w.watched === seq);
  s.watches = s.watches.filter((w) => w.watched !== seq);
  env.output({ type: 'unlock', waiting: s.entries.length, woken: fired.length });
  for (const w of fired) env.send(w.watcher, { type: 'Notify', seq });
}

/**
 * Refreshes a client's session — opening it on the first word heard under it, whichever
 * message that is — unless it expired: expired sessions never come back. False then.
 */
function heardSession(x: X, from: NodeId, session: number): boolean {
  const { s, env } = x;
  if (session <= (s.expired[from] ?? 0)) return false;
  const known = findSession(x, from, session);
  if (known !== undefined) known.heardAtMs = env.now();
  else s.sessions.push({ client: from, session, heardAtMs: env.now(), lastReq: 0 });
  return true;
}

export function coordinatorPing(x: X, from: NodeId, session: number, atMs: number): void {
  if (heardSession(x, from, session)) x.env.send(from, { type: 'Pong', session, atMs });
}

export function coordinatorCreate(x: X, from: NodeId, session: number, req: number): void {
  const { s, env } = x;
  if (!heardSession(x, from, session)) return; // An expired session: no reply.
  const owner = findSession(x, from, session) as Session;
  let entry = s.entries.find((e) => e.client === from && e.session === session && e.req === req);
  // A late copy of a Create whose entry is already released (or superseded) makes none:
  // it would be a zombie entry nobody deletes until the session ends.
  if (entry === undefined && req <= owner.lastReq) return;
  if (entry === undefined) {
    entry = { seq: s.nextSeq++, client: from, session, req };
    s.entries.push(entry);
    owner.lastReq = req;
  }
  const pred = watchFor(x, entry);
  env.send(from, { type: 'Created', session, req, seq: entry.seq, pred });
}

export function coordinatorCheck(x: X, from: NodeId, seq: number): void {
  const entry = x.s.entries.find((e) => e.seq === seq && e.client === from);
  const pred = entry === undefined ? 0 : watchFor(x, entry);
  x.env.send(from, { type: 'CheckReply', seq, pred, exists: entry !== undefined });
}

export function coordinatorDelete(x: X, from: NodeId, seq: number): void {
  if (x.s.entries.some((e) => e.seq === seq && e.client === from)) removeEntry(x, seq);
  x.env.send(from, { type: 'Deleted', seq });
}

/** The `expire` timer: sessions silent too long expire with their entries. */
export function coordinatorExpire(x: X): void {
  const { s, env, c } = x;
  env.setTimer('expire', c.opts.pingMs);
  const now = env.now();
  const dead = s.sessions.filter((v) => now - v.heardAtMs >= c.opts.sessionTimeoutMs);
  if (dead.length === 0) return;
  s.sessions = s.sessions.filter((v) => now - v.heardAtMs < c.opts.sessionTimeoutMs);
  for (const v of dead) {
    s.expired[v.client] = Math.max(s.expired[v.client] ?? 0, v.session);
    const owned = s.entries.filter((e) => e.client === v.client && e.session === v.session);
    for (const e of owned) removeEntry(x, e.seq);
  }
}

/** A restarted coordinator gives every session a fresh timeout (a new leader's rule). */
export function coordinatorStart(x: X): void {
  const { s, env, c } = x;
  for (const v of s.sessions) v.heardAtMs = env.now();
  env.setTimer('expire', c.opts.pingMs);
}
