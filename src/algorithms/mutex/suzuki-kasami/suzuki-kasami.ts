// The Suzuki–Kasami broadcast token algorithm (Suzuki & Kasami, "A Distributed Mutual
// Exclusion Algorithm", ACM TOCS 3(4), 1985). A node that wants the critical section and has
// no token broadcasts REQUEST(i, sn) and waits; every node keeps RN[j], the highest request
// number heard from j. The token carries LN[j], the number of j's last served request, and a
// queue Q. On leaving, the holder sets LN[i] = RN[i], appends every j with RN[j] = LN[j] + 1
// that is not queued yet, and hands the token to the head of Q. Cost per entry: 0 messages
// when the token is already here, otherwise n−1 REQUESTs and 1 token.
//
// Fault handling beyond the paper (loss, duplication, reordering, crash-restart, partitions):
// - Everything is durable (RN, phase, the token), so a restarted node resumes.
// - A REQUEST still unanswered is re-broadcast after a timeout longer than any fault-free
//   wait; RN makes duplicates harmless (max of sequence numbers).
// - The hand-off is acknowledged: the sender keeps an outgoing copy and re-sends it until
//   the receiver acknowledges. Each hand-off is stamped with the token's transfer count, and
//   a node accepts only a stamp above every stamp it has accepted, so a re-sent or duplicated
//   token can never be used twice. The sender stops holding at the moment it sends.
// A holder that crashes for good takes the token with it: everyone else stalls (scenario
// `holder-crash-stalls`); regenerating it safely needs more (see mutex/token-ring).

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { armHold, armThink, enterCriticalSection, meanHoldMaxMs } from '../critical-section.js';
import { type MutexOutput, retryMs } from '../workload.js';
import type { SuzukiKasamiMessage, Token } from './messages.js';
import type { SuzukiKasamiConfig } from './options.js';
import {
  initSuzukiKasamiState,
  SUZUKI_KASAMI_DURABLE,
  type SuzukiKasamiState,
  skConsistent,
} from './state.js';

type X = Step<SuzukiKasamiMessage, MutexOutput, SuzukiKasamiState, SuzukiKasamiConfig>;

export type SuzukiKasamiTimer = 'think' | 'hold' | 'retry' | 'handoff';

/** A hand-off not acknowledged within this long is sent again (many fault-free round trips). */
const HANDOFF_RETRY_MS = 100;

function assertConsistent(x: X): void {
  assert(skConsistent(x.s, x.c.n), 'inside means holding the token we accepted last');
}

function enter({ s, env, c }: X): void {
  enterCriticalSection(s, env, { waiting: 'retry', holdMaxMs: meanHoldMaxMs(c.opts) });
}

function handOff({ s, env }: X, to: NodeId, token: Token): void {
  const stamped = { ...token, transfers: token.transfers + 1 };
  s.token = null;
  s.outgoing = { to, token: stamped };
  env.send(to, { type: 'Token', token: stamped });
  env.setTimer('handoff', HANDOFF_RETRY_MS);
}

/** An idle holder passes the token on to a node whose request is outstanding. */
function serveOutstanding(x: X): void {
  const { s, env } = x;
  const token = s.token;
  if (token === null || s.phase !== 'idle') return;
  let queue = [...token.queue];
  for (const j of env.nodes) {
    const waiting = (s.rn[j - 1] ?? 0) === (token.ln[j - 1] ?? 0) + 1;
    if (waiting && j !== env.id && !queue.includes(j)) queue.push(j);
  }
  const next = queue[0];
  if (next === undefined) return;
  queue = queue.slice(1);
  handOff(x, next, { ...token, queue });
}

function leave(x: X): void {
  const { s, env, c } = x;
  const token = s.token;
  if (token === null) return;
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  env.output({ type: 'exit' });
  const ln = [...token.ln];
  ln[env.id - 1] = s.rn[env.id - 1] ?? 0;
  s.token = { ...token, ln };
  serveOutstanding(x);
  if (s.served < c.opts.requests) armThink(env, c.opts);
}

function request(x: X): void {
  const { s, env, c } = x;
  s.phase = 'wanting';
  env.output({ type: 'request' });
  if (s.token !== null) return enter(x); // The token is here: no messages.
  s.rn[env.id - 1] = (s.rn[env.id - 1] ?? 0) + 1;
  env.broadcast({ type: 'Request', sn: s.rn[env.id - 1] ?? 0 });
  env.setTimer('retry', retryMs(env.nodes.length, c.opts));
}

export const createSuzukiKasami = defineProcess<
  SuzukiKasamiMessage,
  MutexOutput,
  SuzukiKasamiState,
  SuzukiKasamiConfig,
  SuzukiKasamiTimer
>({
  init: initSuzukiKasamiState,
  durable: [...SUZUKI_KASAMI_DURABLE],
  onStart(x) {
    const { s, env, c } = x;
    if (s.outgoing !== null) env.setTimer('handoff', HANDOFF_RETRY_MS);
    if (s.phase === 'inside') armHold(env, c.opts);
    else if (s.phase === 'wanting') env.setTimer('retry', 0);
    else if (s.served < c.opts.requests) armThink(env, c.opts);
    assertConsistent(x);
    assert(s.served <= c.opts.requests, 'nobody is served more than it asks');
  },
  onMessage: {
    Request(x, from, m) {
      const { s } = x;
      s.rn[from - 1] = Math.max(s.rn[from - 1] ?? 0, m.sn);
      serveOutstanding(x);
      assertConsistent(x);
      assert((s.rn[from - 1] ?? 0) >= m.sn, 'RN keeps the highest request number heard');
    },
    Token(x, from, m) {
      const { s, env } = x;
      env.send(from, { type: 'TokenAck', transfers: m.token.transfers });
      if (m.token.transfers > s.accepted && m.token.ln.length === env.nodes.length) {
        s.accepted = m.token.transfers;
        s.token = m.token;
        if (s.phase === 'wanting') enter(x);
        else serveOutstanding(x); // Queued for a request we no longer have: pass it on.
      }
      assertConsistent(x);
      assert(
        s.accepted >= m.token.transfers || m.token.ln.length !== env.nodes.length,
        'a well-formed token is accepted or older than one we accepted',
      );
    },
    TokenAck(x, from, m) {
      const { s, env } = x;
      if (s.outgoing?.to === from && s.outgoing.token.transfers === m.transfers) {
        s.outgoing = null;
        env.cancelTimer('handoff');
      }
      assertConsistent(x);
      assert(
        s.token === null || s.outgoing === null || s.outgoing.token.transfers <= s.accepted,
        'a token we hold again is newer than the one still unacknowledged',
      );
    },
  },
  onTimer: {
    think(x) {
      if (x.s.phase === 'idle') request(x);
      assertConsistent(x);
      assert(x.s.phase !== 'idle', 'a node that has thought asks');
    },
    hold(x) {
      if (x.s.phase === 'inside') leave(x);
      assertConsistent(x);
      assert(x.s.phase !== 'inside', 'holding ends with leaving');
    },
    retry(x) {
      const { s, env, c } = x;
      if (s.phase === 'wanting' && s.token === null) {
        env.broadcast({ type: 'Request', sn: s.rn[env.id - 1] ?? 0 });
        env.setTimer('retry', retryMs(env.nodes.length, c.opts));
      }
      assertConsistent(x);
      assert(s.phase !== 'wanting' || s.token === null, 'a wanting holder has entered');
    },
    handoff(x) {
      const { s, env } = x;
      if (s.outgoing !== null) {
        env.send(s.outgoing.to, { type: 'Token', token: s.outgoing.token });
        env.setTimer('handoff', HANDOFF_RETRY_MS);
      }
      assertConsistent(x);
      assert(
        s.outgoing === null || s.outgoing.token.transfers <= s.accepted + 1,
        'a hand-off is stamped one above the stamp we held it under',
      );
    },
  },
});
