// A simulated client node (ids after the servers). It runs a seeded workload of `requests`
// key-value operations (get 40%, put 30%, compare-and-swap 20%, delete 10%) one at a time;
// with configChanges, the first client also issues membership changes and leadership
// transfers. Each operation keeps its (client, seq) across retries: on a timeout the client
// tries the next server, on a redirect it follows the leader hint (dissertation §6.2), and
// the server's session makes the retries exactly-once. Outputs `invoke` and `complete` form
// the history the linearizability checker reads.
//
// Sessions expire (kv.ts). A client told `session-expired` cannot know whether an earlier
// copy of its command was applied, so it leaves the operation open (the history records it
// as indeterminate) and starts a new session: a new client id (its node id plus
// SESSION_STRIDE per session so far) with sequence numbers from 1 again — reusing the old
// id could let a delayed retry of the old session apply in the new one.
//
// Fault model: a crashed client loses its pending operation (the history records it as
// indeterminate); its sequence number and session are durable, so a restarted client never
// reuses one.

import type { NodeId, Process } from '../../../core/process.js';
import type { AdminOp, ClientReplyBody, KvOp, Op } from './client-api.js';
import { isKvOp } from './client-api.js';
import { parseRaftMessage, type RaftMessage, type RaftOutput } from './messages.js';
import type { Cluster, RaftOptions } from './options.js';
import type { RaftEnv } from './state.js';

export interface ClientState {
  readonly kind: 'client';
  readonly id: NodeId;
  /** Durable: sessions started before the current one (see sessionClient). */
  session: number;
  /** Durable: the last sequence number used in the current session. */
  seq: number;
  /** Durable: operations completed. */
  done: number;
  pending: { readonly seq: number; readonly op: Op } | null;
  /** The server the next attempt goes to. */
  target: NodeId;
  /**
   * Servers that refused or timed out since the last answer: hints pointing back to them are
   * not followed, so stale hints (a removed server still naming its old leader) cannot
   * bounce the client between two servers forever.
   */
  refused: NodeId[];
  /** Values this client last saw per key (what its compare-and-swaps expect). */
  readonly seen: Map<string, string | null>;
}

interface Durable {
  readonly seq: number;
  readonly done: number;
  readonly session?: number;
}

const BACKOFF_MS = [5, 25] as const;

/** Client ids of one node's sessions are this far apart (far above any node id). */
export const SESSION_STRIDE = 1_000_000;

/** The client id of the current session, in commands, replies and history outputs. */
export function sessionClient(c: ClientState): number {
  return c.id + SESSION_STRIDE * c.session;
}

function save(c: ClientState, env: RaftEnv): void {
  env.storage.set('client', { seq: c.seq, done: c.done, session: c.session } satisfies Durable);
}

export function createClient(
  id: NodeId,
  o: RaftOptions,
  cluster: Cluster,
): Process<RaftMessage, RaftOutput, ClientState> {
  let c: ClientState | undefined;
  return {
    get state() {
      return c as ClientState;
    },
    onStart(env) {
      const saved = env.storage.get<Durable>('client') ?? { seq: 0, done: 0 };
      c = {
        kind: 'client',
        id,
        session: saved.session ?? 0,
        seq: saved.seq,
        done: saved.done,
        pending: null,
        target: env.random.pick(cluster.initialVoters),
        refused: [],
        seen: new Map(),
      };
      think(c, env, o);
    },
    onMessage(env, _from, raw) {
      const m = parseRaftMessage(raw);
      if (c === undefined || m === undefined || m.type !== 'ClientReply') return;
      onReply(c, env, o, cluster, m);
    },
    onTimer(env, name) {
      if (c === undefined) return;
      if (name === 'think') return issue(c, env, o, cluster);
      if (name === 'timeout' && c.pending !== null) {
        c.target = retarget(c, cluster, null);
        return send(c, env, o);
      }
      if (name === 'retry' && c.pending !== null) return send(c, env, o);
    },
  };
}

function think(c: ClientState, env: RaftEnv, o: RaftOptions): void {
  if (c.done >= o.requests) return;
  env.setTimer('think', o.thinkMs === 0 ? 0 : env.random.range(0, 2 * o.thinkMs));
}

/** After `c.target` refused or timed out: its hint if fresh, else the next untried server. */
function retarget(c: ClientState, cluster: Cluster, hint: NodeId | null): NodeId {
  if (!c.refused.includes(c.target)) c.refused.push(c.target);
  if (hint !== null && cluster.servers.includes(hint) && !c.refused.includes(hint)) return hint;
  const i = cluster.servers.indexOf(c.target);
  const order = [...cluster.servers.slice(i + 1), ...cluster.servers.slice(0, i + 1)];
  const untried = order.find((id) => !c.refused.includes(id));
  if (untried !== undefined) return untried;
  c.refused = [];
  return order[0] as NodeId;
}

function issue(c: ClientState, env: RaftEnv, o: RaftOptions, cluster: Cluster): void {
  if (c.pending !== null || c.done >= o.requests) return;
  const seq = c.seq + 1;
  const admin = o.configChanges && c.id === cluster.clients[0] && env.random.chance(1, 5);
  const op = admin ? adminOp(env, cluster) : kvOp(c, env, o, seq);
  c.seq = seq;
  c.pending = { seq, op };
  save(c, env);
  if (isKvOp(op)) env.output({ type: 'invoke', client: sessionClient(c), seq, op });
  send(c, env, o);
}

function kvOp(c: ClientState, env: RaftEnv, o: RaftOptions, seq: number): KvOp {
  const key = `k${env.random.int(o.keys)}`;
  const value = `${sessionClient(c)}.${seq}`;
  const roll = env.random.int(10);
  if (roll < 4) return { type: 'get', key };
  if (roll < 7) return { type: 'put', key, value };
  if (roll < 9) return { type: 'cas', key, expected: c.seen.get(key) ?? null, value };
  return { type: 'delete', key };
}

function adminOp(env: RaftEnv, cluster: Cluster): AdminOp {
  const node = env.random.pick(cluster.servers);
  const type = env.random.pick(['add-server', 'remove-server', 'transfer-leader'] as const);
  return { type, node };
}

function send(c: ClientState, env: RaftEnv, o: RaftOptions): void {
  if (c.pending === null) return;
  env.send(c.target, {
    type: 'ClientRequest',
    command: { ...c.pending.op, client: sessionClient(c), seq: c.pending.seq },
  });
  env.setTimer('timeout', o.clientTimeoutMs);
}

function onReply(
  c: ClientState,
  env: RaftEnv,
  o: RaftOptions,
  cluster: Cluster,
  r: ClientReplyBody,
): void {
  const p = c.pending;
  const client = sessionClient(c);
  if (p === null || r.client !== client || r.seq !== p.seq) return; // Late or duplicated.
  if (!r.ok && (r.reason === 'not-leader' || r.reason === 'retry')) {
    c.target = retarget(c, cluster, r.leaderHint ?? null);
    env.cancelTimer('timeout');
    return env.setTimer('retry', env.random.range(BACKOFF_MS[0], BACKOFF_MS[1]));
  }
  env.cancelTimer('timeout');
  c.refused = [];
  c.pending = null;
  c.done += 1;
  if (!r.ok && r.reason === 'session-expired') {
    // Outcome unknown: no `complete`, the history leaves it open (indeterminate).
    c.session += 1;
    c.seq = 0;
    save(c, env);
    return think(c, env, o);
  }
  save(c, env);
  const op = p.op;
  if (isKvOp(op)) {
    const value = r.value ?? null;
    if (r.ok)
      c.seen.set(op.key, op.type === 'get' ? value : op.type === 'delete' ? null : op.value);
    else if (op.type === 'cas') c.seen.set(op.key, value);
    const outcome = r.ok ? 'ok' : 'fail';
    env.output({ type: 'complete', client, seq: p.seq, op, outcome, value });
  } else {
    env.output({
      type: 'admin',
      client,
      seq: p.seq,
      op: `${op.type} ${op.node} ${r.ok ? 'ok' : 'rejected'}`,
    });
  }
  think(c, env, o);
}
