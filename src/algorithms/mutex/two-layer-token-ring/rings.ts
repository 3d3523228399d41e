// The two rings' rules [001 §2.1: "each LAN has a local ring with a local token and a
// coordinator process; coordinators form a global ring with a global token"]. A node may
// enter only while it holds its LAN's local token, and the local token leaves its
// coordinator only while the coordinator holds the global token: the coordinator opens a lap
// when the global token arrives and passes the global token on only once the local token is
// back. So at most one LAN is open at a time, and within it at most one node holds the local
// token: mutual exclusion is global.
//
// Fault model: loss, duplication, reordering, delay, partitions and crash-restart, with no
// timing assumption. Both tokens are durable and handed off with acknowledgement and stamps
// (../token-ring/handoff.ts), re-sent until acknowledged. Not handled: a node that never
// comes back (its predecessor re-sends forever and everyone stalls — scenario
// `member-crash-stalls`); there is no regeneration and no ring repair in this layer design.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { enterCriticalSection, meanHoldMaxMs } from '../critical-section.js';
import { beginHandoff, classifyToken, onHandoffAck, takeToken } from '../token-ring/handoff.js';
import { globalSuccessor, lanOf, localSuccessor, membersOf } from './layout.js';
import type { LayerToken } from './messages.js';
import { type Ctx, holds, isDone } from './state.js';

function union(list: readonly number[], item: number): readonly number[] {
  return list.includes(item) ? list : [...list, item].sort((a, b) => a - b);
}

function enter(c: Ctx): void {
  const { s, env } = c;
  assert(holds(s.local), 'enter only while holding the LAN token');
  assert(!s.coordinator || holds(s.global), 'a coordinator enters only with its LAN open');
  enterCriticalSection(s, env, { waiting: 'localPass', holdMaxMs: meanHoldMaxMs(c.opts) });
}

/** We hold the local token during a lap: enter if we want, else pass it on. */
export function localTurn(c: Ctx, when: 'now' | 'idle'): void {
  const { s, env } = c;
  const t = s.local.token;
  if (t === null || s.local.handoff !== null || s.phase === 'inside') return;
  if (s.coordinator && !(s.lapOpen && holds(s.global))) return; // At rest between laps.
  if (isDone(c)) s.local.token = { ...t, done: union(t.done, env.id) };
  if (s.phase === 'wanting') return enter(c);
  if (when === 'now' || c.opts.passDelayMs === 0) return passLocal(c);
  env.setTimer('localPass', c.opts.passDelayMs);
}

export function passLocal(c: Ctx): void {
  const { s, env } = c;
  if (!holds(s.local) || s.phase === 'inside') return;
  if (s.coordinator && !s.lapOpen) return;
  env.cancelTimer('localPass');
  const to = localSuccessor(c.layout, env.id);
  if (to === env.id) return closeLap(c); // A LAN of one: the lap is over at once.
  beginHandoff(s.local, c.localIo, to);
}

/** Coordinator: the global token arrived (or we restarted holding it): open a lap. */
export function openLap(c: Ctx): void {
  const { s, env } = c;
  const g = s.global.token;
  if (g === null || s.global.handoff !== null || s.lapOpen) return;
  s.parked = g.done.length === c.layout.lans;
  if (s.parked) return;
  if (!holds(s.local)) return; // Cannot happen: the lap closed before the token left.
  if (g.done.includes(s.lan)) return passGlobal(c); // Nobody here will ask again.
  s.lapOpen = true;
  env.note(`LAN ${s.lan} open`);
  localTurn(c, 'idle');
}

/** Coordinator: the local token is back — the lap is over; hand the global token on. */
function closeLap(c: Ctx): void {
  const { s } = c;
  assert(s.coordinator, 'only a coordinator closes a lap');
  const g = s.global.token;
  if (!s.lapOpen || g === null) return;
  s.lapOpen = false;
  const local = s.local.token;
  const members = membersOf(c.layout, s.lan);
  if (local !== null && members.every((m) => local.done.includes(m)))
    s.global.token = { ...g, done: union(g.done, s.lan) };
  passGlobal(c);
}

export function passGlobal(c: Ctx): void {
  const { s, env } = c;
  if (!holds(s.global) || s.lapOpen) return;
  const to = globalSuccessor(c.layout, env.id);
  // A single LAN: the next lap starts after a pause, not in this step (no busy loop).
  if (to === env.id) return env.setTimer('globalPass', Math.max(1, c.opts.passDelayMs));
  beginHandoff(s.global, c.globalIo, to);
}

export function onLocalToken(c: Ctx, from: NodeId, token: LayerToken): void {
  const { s, env } = c;
  if (lanOf(c.layout, from) !== s.lan || from === env.id) return; // Not from our LAN.
  if (classifyToken(s.local, c.localIo, from, token) === 'duplicate') return;
  takeToken(s.local, c.localIo, from, token);
  if (s.coordinator) return closeLap(c);
  localTurn(c, 'idle');
}

export function onGlobalToken(c: Ctx, from: NodeId, token: LayerToken): void {
  const { s } = c;
  if (!s.coordinator || from === c.env.id) return; // Only coordinators ring the globe.
  if (classifyToken(s.global, c.globalIo, from, token) === 'duplicate') return;
  takeToken(s.global, c.globalIo, from, token);
  openLap(c);
}

export function onAck(c: Ctx, layer: 'local' | 'global', from: NodeId, hop: number): void {
  const { s } = c;
  if (layer === 'local') onHandoffAck(s.local, c.localIo, from, { gen: 0, hop });
  else onHandoffAck(s.global, c.globalIo, from, { gen: 0, hop });
}
