// A simulated client node (ids after the servers). It runs the shared seeded workload
// (replicated-kv/workload.ts: get 40%, put 30%, compare-and-swap 20%, delete 10%) for
// `requests` key-value operations, one at a time;
// with configChanges, the first client also issues membership changes and leadership
// transfers. Each operation keeps its (client, seq) across retries: on a timeout the client
// tries the next server, on a redirect it follows the leader hint (dissertation §6.2), and
// the server's session makes the retries exactly-once. Outputs `invoke` and `complete` form
// the history the linearizability checker reads.
//
// Sessions expire (replicated-kv/machine.ts). A client told `session-expired` cannot know
// whether an earlier copy of its command was applied, so it leaves the operation open (the
// history records it as indeterminate) and starts a new session: a new client id (its node
// id plus SESSION_STRIDE per session so far) with sequence numbers from 1 again — reusing
// the old id could let a delayed retry of the old session apply in the new one.
//
// A client is a process of its own on Raft's message union (defineProcess, raft.ts picks it
// by id): it handles ClientReply and ignores what only servers exchange.
//
// Fault model: a crashed client loses its pending operation (the history records it as
// indeterminate); its sequence number and session are durable (kernel `durable`), so a
// restarted client never reuses one.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import {
  FULL_MIX,
  type KvWorkload,
  nextKvOp,
  observeCompletion,
  thinkTime,
} from '../../replicated-kv/workload.js';
import type { AdminOp, ClientReplyBody } from './client-api.js';
import { isKvOp } from './client-api.js';
import type { RaftMessage, RaftOutput } from './messages.js';
import type { RaftConfig } from './options.js';
import { type ClientState, initClientState } from './state.js';

export type ClientTimer = 'think' | 'timeout' | 'retry';

type X = Step<RaftMessage, RaftOutput, ClientState, RaftConfig>;

const BACKOFF_MS = [5, 25] as const;

/** Client ids of one node's sessions are this far apart (far above any node id). */
export const SESSION_STRIDE = 1_000_000;

/** The client id of the current session, in commands, replies and history outputs. */
export function sessionClient(s: ClientState): number {
  return s.id + SESSION_STRIDE * s.session;
}

/** After every step: what must hold of the client's own bookkeeping. */
function settle(x: X): void {
  const { s, c } = x;
  assert(s.done <= c.requests, 'a client completes at most its requests');
  assert(s.pending === null || s.pending.seq === s.seq, 'the pending operation is the last issued');
  assert(s.refused.length <= c.cluster.servers.length, 'refused lists servers once each');
}

/** What only servers exchange: a client never receives it from a correct peer. */
function ignore(): void {}

export const createClient = defineProcess<
  RaftMessage,
  RaftOutput,
  ClientState,
  RaftConfig,
  ClientTimer
>({
  init: initClientState,
  durable: ['session', 'seq', 'done'],
  onStart(x) {
    const { s, env, c } = x;
    s.target = env.random.pick(c.cluster.initialVoters);
    think(x);
    settle(x);
    assert(s.pending === null, 'a crash loses the pending operation');
  },
  onMessage: {
    ClientReply(x, _from, m) {
      onReply(x, m);
      settle(x);
      assert(x.s.pending === null || x.s.pending.seq === x.s.seq, 'a reply completes no other seq');
    },
    ClientRequest: ignore,
    RequestVote: ignore,
    RequestVoteReply: ignore,
    PreVote: ignore,
    PreVoteReply: ignore,
    AppendEntries: ignore,
    AppendEntriesReply: ignore,
    Heartbeat: ignore,
    HeartbeatReply: ignore,
    InstallSnapshot: ignore,
    InstallSnapshotReply: ignore,
    TimeoutNow: ignore,
  },
  onTimer: {
    think(x) {
      issue(x);
      settle(x);
      assert(x.s.pending !== null || x.s.done >= x.c.requests, 'thinking ends in an operation');
    },
    timeout(x) {
      if (x.s.pending !== null) {
        x.s.target = retarget(x, null);
        send(x);
      }
      settle(x);
      assert(x.c.cluster.servers.includes(x.s.target), 'the client targets a server');
    },
    retry(x) {
      if (x.s.pending !== null) send(x);
      settle(x);
      assert(x.c.cluster.servers.includes(x.s.target), 'the client targets a server');
    },
  },
});

/** The shared workload with this run's keys and pause. */
function workloadOf(c: RaftConfig): KvWorkload {
  return { keys: c.keys, thinkMs: c.thinkMs, mix: FULL_MIX };
}

function think(x: X): void {
  const { s, env, c } = x;
  if (s.done >= c.requests) return;
  env.setTimer('think', thinkTime(env.random, workloadOf(c)));
}

/** After `s.target` refused or timed out: its hint if fresh, else the next untried server. */
function retarget(x: X, hint: NodeId | null): NodeId {
  const { s, c } = x;
  const servers = c.cluster.servers;
  if (!s.refused.includes(s.target)) s.refused.push(s.target);
  if (hint !== null && servers.includes(hint) && !s.refused.includes(hint)) return hint;
  const i = servers.indexOf(s.target);
  const order = [...servers.slice(i + 1), ...servers.slice(0, i + 1)];
  const untried = order.find((id) => !s.refused.includes(id));
  if (untried !== undefined) return untried;
  s.refused = [];
  return order[0] as NodeId;
}

function issue(x: X): void {
  const { s, env, c } = x;
  if (s.pending !== null || s.done >= c.requests) return;
  const seq = s.seq + 1;
  const admin = c.configChanges && s.id === c.cluster.clients[0] && env.random.chance(1, 5);
  const op = admin
    ? adminOp(x)
    : nextKvOp(env.random, workloadOf(c), sessionClient(s), seq, s.seen);
  s.seq = seq;
  s.pending = { seq, op };
  if (isKvOp(op)) env.output({ type: 'invoke', client: sessionClient(s), seq, op });
  send(x);
}

const ADMIN_TYPES = ['add-server', 'remove-server', 'transfer-leader'] as const;
const WITH_LEARNERS = [...ADMIN_TYPES, 'add-learner', 'promote-learner'] as const;

function adminOp(x: X): AdminOp {
  const { env, c } = x;
  const node = env.random.pick(c.cluster.servers);
  const type = env.random.pick(c.learnerChanges ? WITH_LEARNERS : ADMIN_TYPES);
  // Promote the learner this client added, when there is one: a random pick rarely names it.
  if (type === 'promote-learner' && x.s.learner !== null) return { type, node: x.s.learner };
  return { type, node };
}

function send(x: X): void {
  const { s, env, c } = x;
  if (s.pending === null) return;
  env.send(s.target, {
    type: 'ClientRequest',
    command: { ...s.pending.op, client: sessionClient(s), seq: s.pending.seq },
  });
  env.setTimer('timeout', c.clientTimeoutMs);
}

function onReply(x: X, r: ClientReplyBody): void {
  const { s, env } = x;
  const p = s.pending;
  const client = sessionClient(s);
  if (p === null || r.client !== client || r.seq !== p.seq) return; // Late or duplicated.
  if (!r.ok && (r.reason === 'not-leader' || r.reason === 'retry')) {
    s.target = retarget(x, r.leaderHint ?? null);
    env.cancelTimer('timeout');
    return env.setTimer('retry', env.random.range(BACKOFF_MS[0], BACKOFF_MS[1]));
  }
  env.cancelTimer('timeout');
  s.refused = [];
  s.pending = null;
  s.done += 1;
  if (!r.ok && r.reason === 'session-expired') {
    // Outcome unknown: no `complete`, the history leaves it open (indeterminate).
    s.session += 1;
    s.seq = 0;
    return think(x);
  }
  const op = p.op;
  if (isKvOp(op)) {
    const value = r.value ?? null;
    const outcome = r.ok ? 'ok' : 'fail';
    observeCompletion(s.seen, op, outcome, value);
    env.output({ type: 'complete', client, seq: p.seq, op, outcome, value });
  } else {
    if (op.type === 'add-learner' && r.ok) s.learner = op.node;
    env.output({
      type: 'admin',
      client,
      seq: p.seq,
      op: `${op.type} ${op.node} ${r.ok ? 'ok' : 'rejected'}`,
    });
  }
  think(x);
}
