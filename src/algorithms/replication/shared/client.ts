// The client each replica hosts in replication/primary-backup and replication/chain: the
// shared key-value workload (replicated-kv/workload.ts: puts and gets) until `requests`
// operations or `quietAtMs`, then, from `finalReadAtMs`, one read of every key — what
// eventual consistency is judged on. An operation goes where the node's view says (the
// algorithm's `route`); one unanswered for `timeoutMs` is abandoned (it stays indeterminate
// in the history: it may still take effect) and the next begins — a final read is retried.
//
// Fault model: a crash loses the client's place (volatile); its seq is durable, so a
// restarted client never writes a value twice and replicas never mistake its new requests
// for duplicates.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { type KvWorkload, nextKvOp, thinkTime } from '../../replicated-kv/workload.js';
import type { ReplicationOutput } from './messages.js';
import type { ClientOp, ReplicationState } from './state.js';

export interface ClientConfig {
  readonly requests: number;
  readonly workload: KvWorkload;
  readonly quietAtMs: number;
  readonly finalReadAtMs: number;
  readonly timeoutMs: number;
}

export interface ClientStep {
  readonly s: ReplicationState;
  readonly env: {
    readonly id: NodeId;
    readonly random: Parameters<typeof thinkTime>[0];
    now(): number;
    output(o: ReplicationOutput): void;
    setTimer(name: string, ms: number): void;
    cancelTimer(name: string): void;
  };
  readonly c: ClientConfig;
}

/** Sends (or handles locally) the client's operation where the algorithm says. */
export type Route<X> = (x: X, op: ClientOp) => void;

/** The `next` timer: start the client's next operation, or wait for the next phase. */
export function clientNext<X extends ClientStep>(x: X, route: Route<X>): void {
  const { s, env, c } = x;
  if (s.client.op !== null || s.client.phase === 'done') return;
  const now = env.now();
  if (now >= c.finalReadAtMs) return finalRead(x, route);
  if (now >= c.quietAtMs || s.client.started >= c.requests) {
    env.setTimer('next', c.finalReadAtMs - now);
    return;
  }
  const pause = thinkTime(env.random, c.workload);
  if (pause > 0 && !s.client.pausing) {
    s.client.pausing = true;
    env.setTimer('next', pause);
    return;
  }
  s.client.pausing = false;
  const seq = ++s.seq;
  const op = nextKvOp(env.random, c.workload, env.id, seq, new Map());
  assert(op.type === 'get' || op.type === 'put', 'the workload puts and gets');
  s.client.started++;
  start(x, route, { seq, key: op.key, value: op.type === 'put' ? op.value : null });
}

function finalRead<X extends ClientStep>(x: X, route: Route<X>): void {
  const { s } = x;
  s.client.phase = 'final';
  if (s.client.finalKey >= x.c.workload.keys) {
    s.client.phase = 'done';
    return;
  }
  start(x, route, { seq: ++s.seq, key: `k${s.client.finalKey++}`, value: null });
}

function start<X extends ClientStep>(x: X, route: Route<X>, op: ClientOp): void {
  const { s, env } = x;
  s.client.op = op;
  const kv =
    op.value === null
      ? { type: 'get' as const, key: op.key }
      : { type: 'put' as const, key: op.key, value: op.value };
  env.output({ type: 'invoke', client: env.id, seq: op.seq, op: kv });
  env.setTimer('op', x.c.timeoutMs);
  route(x, op);
}

/** The answer to the client's operation `seq` (a stale or duplicate one is ignored). */
export function clientComplete(x: ClientStep, seq: number, value: string | null): void {
  const { s, env } = x;
  const op = s.client.op;
  if (op === null || op.seq !== seq) return;
  s.client.op = null;
  env.cancelTimer('op');
  env.output({
    type: 'complete',
    client: env.id,
    seq,
    outcome: 'ok',
    value: op.value === null ? value : null,
  });
  env.setTimer('next', 0);
  assert(s.client.op === null, 'the client waits for no answer now');
}

/** The `op` timer: give the operation up (a final read is asked again). */
export function clientTimeout(x: ClientStep): void {
  const { s, env } = x;
  const op = s.client.op;
  assert(op !== null, 'the op timer runs only while an operation is in flight');
  s.client.op = null;
  s.stats.abandoned++;
  if (s.client.phase === 'final') s.client.finalKey--;
  env.setTimer('next', 0);
}
