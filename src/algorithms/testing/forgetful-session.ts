// testing/forgetful-session — a deliberately broken session server, used only by the tests
// that prove the fuzzer never loses a failure that is an exception rather than a broken
// invariant. Node 1 serves numbered requests from clients that first open a session, but
// keeps the sessions in VOLATILE state and looks a session up without checking it is there:
// when node 1 crashes and restarts, the next request of a client whose session it forgot
// throws a TypeError inside the handler (our bug, not bad peer input: the message is well
// formed). Lost, duplicated, reordered or corrupted messages cannot get there — a client
// sends requests only once the server has answered its Open, and Open is idempotent — so a
// restart of node 1 (a crash, or a storage fault that stops it) is the only way, which is
// what the shrinker must find. Its peer input is parsed like every algorithm's.

import { defineAlgorithm } from '../../core/algorithm.js';
import type { Env, NodeId, Process } from '../../core/process.js';
import { isCount, type MessageChecks, parseByType } from '../../core/validate.js';
import { outputInLastSecond } from './recent-output.js';

type SessionMessage =
  | { readonly type: 'Open' }
  | { readonly type: 'Opened' }
  | { readonly type: 'Request'; readonly seq: number }
  | { readonly type: 'Reply'; readonly seq: number };

const hasSeq = (m: Readonly<Record<string, unknown>>) => isCount(m.seq);

const CHECKS: MessageChecks<SessionMessage> = {
  Open: () => true,
  Opened: () => true,
  Request: hasSeq,
  Reply: hasSeq,
};

export function parseSessionMessage(raw: unknown): SessionMessage | undefined {
  return parseByType(CHECKS, raw);
}

type SessionOutput = { readonly type: 'served'; readonly seq: number };

interface Session {
  /** The highest request number answered (requests are answered once each, in order). */
  served: number;
}

interface SessionState {
  role: 'server' | 'client';
  /** Server: the open sessions by client id (volatile — the bug). */
  sessions: Record<number, Session>;
  /** Client: opening → open. */
  phase: 'opening' | 'open';
  /** Client: the request in flight (the last one answered is seq - 1). */
  seq: number;
}

const RETRY_MS = 40;

type SessionEnv = Env<SessionMessage, SessionOutput>;

function serverMessage(s: SessionState, env: SessionEnv, from: NodeId, m: SessionMessage): void {
  if (m.type === 'Open') {
    s.sessions[from] ??= { served: 0 };
    env.send(from, { type: 'Opened' });
  } else if (m.type === 'Request') {
    // THE BUG: the session is assumed to exist, since a client asks only once it is open —
    // but a restart forgets every session (a TypeError, not a refusal).
    const session = s.sessions[from] as Session;
    if (m.seq === session.served + 1) session.served = m.seq;
    if (m.seq <= session.served) env.send(from, { type: 'Reply', seq: m.seq });
  }
}

function clientMessage(s: SessionState, env: SessionEnv, m: SessionMessage): void {
  if (m.type === 'Opened' && s.phase === 'opening') {
    s.phase = 'open';
    env.send(1, { type: 'Request', seq: s.seq });
    env.setTimer('retry', RETRY_MS);
  } else if (m.type === 'Reply' && s.phase === 'open' && m.seq === s.seq) {
    env.output({ type: 'served', seq: m.seq });
    s.seq++;
    env.setTimer('retry', env.random.range(5, 60)); // Think time, then the next request.
  }
}

function clientTimer(s: SessionState, env: SessionEnv): void {
  if (s.phase === 'opening') env.send(1, { type: 'Open' });
  else env.send(1, { type: 'Request', seq: s.seq });
  env.setTimer('retry', RETRY_MS);
}

function create(id: NodeId): Process<SessionMessage, SessionOutput, SessionState> {
  const state: SessionState = {
    role: id === 1 ? 'server' : 'client',
    sessions: {},
    phase: 'opening',
    seq: 1,
  };
  return {
    state,
    onStart(env) {
      if (state.role === 'client') env.setTimer('retry', env.random.range(1, 50));
    },
    onMessage(env, from, m) {
      if (state.role === 'server') serverMessage(state, env, from, m);
      else clientMessage(state, env, m);
    },
    onTimer(env) {
      if (state.role === 'client') clientTimer(state, env);
    },
  };
}

export const forgetfulSession = defineAlgorithm<
  SessionMessage,
  SessionOutput,
  SessionState,
  Record<string, never>
>({
  name: 'testing/forgetful-session',
  family: 'testing',
  summary: 'A session server that throws on a session it forgot (deliberately broken, for tests)',
  seed: 'test-only',
  hidden: true,
  nodes: { default: 3, min: 2, max: 16 },
  durationMs: 3_000,
  livenessDeadlineMs: 2_000,
  options: {},
  create: (id) => create(id),
  parseMessage: parseSessionMessage,
  invariants: () => [],
  liveness: () => [
    outputInLastSecond(
      'clients keep being served',
      'served',
      'no request served in the last second',
    ),
  ],
  scenarios: [
    {
      name: 'server-restart',
      description: 'The server restarts, forgets every session and throws on the next request.',
      faults: 'crash 1 @150; restart 1 @151',
      expect: { safety: 'violated', liveness: 'hold' },
    },
  ],
});
