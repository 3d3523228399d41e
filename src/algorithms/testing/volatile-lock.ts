// testing/volatile-lock — a deliberately broken lock server, used only by the tests that
// prove the fuzzer catches, shrinks and replays a safety violation. Node 1 grants a lock to
// one client at a time, but keeps who holds it in VOLATILE state: when it crashes and
// restarts it forgets the holder and grants the lock again while the holder is still
// inside. Everything else is careful (retries, grant numbers), so the crash of node 1 is
// the only way to break mutual exclusion — which is what the shrinker must find. Its peer
// input is parsed like every algorithm's (`parseLockMessage`): the bug is the volatile
// holder, nothing else.

import { defineAlgorithm } from '../../core/algorithm.js';
import type { Env, NodeId, Process } from '../../core/process.js';
import { isCount, type MessageChecks, parseByType } from '../../core/validate.js';
import { outputInLastSecond } from './recent-output.js';

type LockMessage =
  | { readonly type: 'Acquire' }
  | { readonly type: 'Grant'; readonly grant: number }
  | { readonly type: 'Release'; readonly grant: number }
  | { readonly type: 'ReleaseAck'; readonly grant: number };

const hasGrant = (m: Readonly<Record<string, unknown>>) => isCount(m.grant);

const CHECKS: MessageChecks<LockMessage> = {
  Acquire: () => true,
  Grant: hasGrant,
  Release: hasGrant,
  ReleaseAck: hasGrant,
};

export function parseLockMessage(raw: unknown): LockMessage | undefined {
  return parseByType(CHECKS, raw);
}

type LockOutput = { readonly type: 'enter' } | { readonly type: 'exit' };

interface LockState {
  role: 'server' | 'client';
  /** Server: the client holding the lock (volatile — the bug). */
  holder: NodeId | null;
  nextGrant: number;
  /** Client: waiting → inside → releasing → idle. */
  phase: 'idle' | 'waiting' | 'inside' | 'releasing';
  grant: number;
  entries: number;
}

const RETRY_MS = 50;

type LockEnv = Env<LockMessage, LockOutput>;

function serverMessage(s: LockState, env: LockEnv, from: NodeId, m: LockMessage): void {
  if (m.type === 'Acquire') {
    if (s.holder === null) {
      s.holder = from;
      s.nextGrant++;
      env.storage.set('nextGrant', s.nextGrant); // Durable — yet the holder is not.
    }
    if (s.holder === from) env.send(from, { type: 'Grant', grant: s.nextGrant });
  } else if (m.type === 'Release') {
    if (s.holder === from && m.grant === s.nextGrant) s.holder = null;
    env.send(from, { type: 'ReleaseAck', grant: m.grant });
  }
}

function clientMessage(s: LockState, env: LockEnv, m: LockMessage): void {
  if (m.type === 'Grant') {
    // A delayed copy of an old grant must not let us in: grant numbers only grow.
    if (m.grant <= s.grant) return;
    if (s.phase === 'waiting') {
      s.phase = 'inside';
      s.grant = m.grant;
      s.entries++;
      env.output({ type: 'enter' });
      env.setTimer('release', env.random.range(5, 30));
    } else if (s.phase === 'idle') {
      env.send(1, { type: 'Release', grant: m.grant }); // Granted after we stopped asking.
    }
  } else if (m.type === 'ReleaseAck' && s.phase === 'releasing' && m.grant === s.grant) {
    s.phase = 'idle';
    env.setTimer('want', env.random.range(5, 60));
  }
}

function clientTimer(s: LockState, env: LockEnv, name: string): void {
  if (name === 'want' && s.phase === 'idle') s.phase = 'waiting';
  if (name === 'release' && s.phase === 'inside') {
    s.phase = 'releasing';
    env.output({ type: 'exit' });
  }
  if (s.phase === 'waiting') env.send(1, { type: 'Acquire' });
  if (s.phase === 'releasing') env.send(1, { type: 'Release', grant: s.grant });
  if (s.phase === 'waiting' || s.phase === 'releasing') env.setTimer('retry', RETRY_MS);
}

function create(id: NodeId): Process<LockMessage, LockOutput, LockState> {
  const state: LockState = {
    role: id === 1 ? 'server' : 'client',
    holder: null,
    nextGrant: 0,
    phase: 'idle',
    grant: 0,
    entries: 0,
  };
  return {
    state,
    onStart(env) {
      state.nextGrant = env.storage.get<number>('nextGrant') ?? 0;
      if (state.role === 'client') env.setTimer('want', env.random.range(1, 50));
    },
    onMessage(env, from, m) {
      if (state.role === 'server') serverMessage(state, env, from, m);
      else clientMessage(state, env, m);
    },
    onTimer(env, name) {
      if (state.role === 'client') clientTimer(state, env, name);
    },
  };
}

export const volatileLock = defineAlgorithm<
  LockMessage,
  LockOutput,
  LockState,
  Record<string, never>
>({
  name: 'testing/volatile-lock',
  family: 'testing',
  summary: 'A lock server that forgets its holder on restart (deliberately broken, for tests)',
  seed: 'test-only',
  hidden: true,
  nodes: { default: 3, min: 2, max: 16 },
  durationMs: 3_000,
  livenessDeadlineMs: 2_000,
  options: {},
  create: (id) => create(id),
  parseMessage: parseLockMessage,
  invariants: () => [
    {
      name: 'mutual exclusion',
      check(view) {
        const inside = view.nodes
          .filter((n) => n.up && n.state?.phase === 'inside')
          .map((n) => n.id);
        return inside.length <= 1 ? undefined : `nodes ${inside.join(' and ')} are inside at once`;
      },
    },
  ],
  liveness: () => [
    outputInLastSecond('clients keep entering', 'enter', 'no entry in the last second'),
  ],
  scenarios: [
    {
      name: 'server-restart',
      description:
        'The server restarts while a client holds the lock and grants it to a second client.',
      faults: 'crash 1 @150; restart 1 @151',
      expect: { safety: 'violated', liveness: 'hold' },
    },
  ],
});
