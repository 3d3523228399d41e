// testing/forgetful-session — a deliberately broken session server, used only by the tests
// that prove the fuzzer never loses a failure that is an exception rather than a broken
// invariant. Node 1 serves numbered requests from clients that first open a session, but
// keeps the sessions in VOLATILE state and looks a session up without checking it is there:
// when node 1 crashes and restarts, the next request of a client whose session it forgot
// throws a TypeError inside the handler (our bug, not bad peer input: the message is well
// formed). Lost, duplicated, reordered or corrupted messages cannot get there — a client
// sends requests only once the server has answered its Open, and Open is idempotent — so a
// restart of node 1 (a crash, or a storage fault that stops it) is the only way, which is
// what the shrinker must find. Its peer input is parsed like every algorithm's (messages.ts).
//
// A client: opening (Open, retried) —Opened→ open: Request seq (retried) —Reply seq→ output
// served, think, Request seq + 1. The server opens a session on Open (once; a repeat is
// answered again) and answers a Request that is the next one, or an older one, with a Reply.
//
// Fault model: crash-recovery of the server throws (the bug, on purpose); message loss,
// duplication, reordering and corruption do not (retries, idempotent Open, numbered requests).

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { SessionMessage, SessionOutput } from './messages.js';
import type { ForgetfulSessionConfig } from './options.js';
import { initSessionState, type Session, type SessionState } from './state.js';

export type SessionTimer = 'retry';

/** A client keeps no sessions; a server never uses the client's fields. */
function rolesApart(s: SessionState): boolean {
  return s.role === 'server'
    ? s.phase === 'opening' && s.seq === 1
    : Object.keys(s.sessions).length === 0;
}

export const createForgetfulSession = defineProcess<
  SessionMessage,
  SessionOutput,
  SessionState,
  ForgetfulSessionConfig,
  SessionTimer
>({
  init: initSessionState,
  onStart({ s, env, c }) {
    if (s.role === 'client') env.setTimer('retry', env.random.range(1, 50));
    assert(s.role === (env.id === c.server ? 'server' : 'client'), 'node 1 is the server');
    assert(Object.keys(s.sessions).length === 0, 'a fresh incarnation knows no session');
  },
  onMessage: {
    Open({ s, env }, from) {
      if (s.role !== 'server') return; // Only the server opens sessions.
      s.sessions[from] ??= { served: 0 };
      env.send(from, { type: 'Opened' });
      assert(s.sessions[from] !== undefined, 'an Open leaves its session open');
      assert(rolesApart(s), "a server never uses the client's fields");
    },
    Request({ s, env }, from, m) {
      if (s.role !== 'server') return;
      // THE BUG: the session is assumed to exist, since a client asks only once it is open —
      // but a restart forgets every session (a TypeError, not a refusal).
      const session = s.sessions[from] as Session;
      const before = session.served;
      if (m.seq === session.served + 1) session.served = m.seq;
      if (m.seq <= session.served) env.send(from, { type: 'Reply', seq: m.seq });
      assert(
        session.served - before <= 1 && session.served >= before,
        'a request advances its session by one at most',
      );
      assert(rolesApart(s), "a server never uses the client's fields");
    },
    Opened({ s, env, c }) {
      if (s.role !== 'client' || s.phase !== 'opening') return;
      s.phase = 'open';
      env.send(c.server, { type: 'Request', seq: s.seq });
      env.setTimer('retry', c.retryMs);
      assert(s.seq >= 1, 'request numbers start at 1');
      assert(rolesApart(s), 'a client keeps no sessions');
    },
    Reply({ s, env }, _from, m) {
      if (s.role !== 'client' || s.phase !== 'open' || m.seq !== s.seq) return;
      env.output({ type: 'served', seq: m.seq });
      s.seq++;
      env.setTimer('retry', env.random.range(5, 60)); // Think time, then the next request.
      assert(s.seq === m.seq + 1, 'the reply to the request in flight moves to the next');
      assert(rolesApart(s), 'a client keeps no sessions');
    },
  },
  onTimer: {
    retry({ s, env, c }) {
      assert(s.role === 'client', 'only a client sets timers');
      if (s.phase === 'opening') env.send(c.server, { type: 'Open' });
      else env.send(c.server, { type: 'Request', seq: s.seq });
      env.setTimer('retry', c.retryMs);
      assert(rolesApart(s), 'a client keeps no sessions');
    },
  },
});
