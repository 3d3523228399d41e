// The coordinator side of replication/quorum: a put or get for this node's client sent to
// the key's first N replicas, complete once W acks or R replies are in. Strict quorums give
// up after `timeoutMs` (the operation is refused; a put may still have reached some
// replicas, so the history leaves it indeterminate). Sloppy quorums (Dynamo §4.6) instead
// ask the next nodes on the ring, one stand-in per silent replica, a put's stand-in keeping
// the version as a hint for the replica it stands in for. quorum.ts explains the protocol.
//
// Fault model: as quorum.ts; a reply is matched by request id and sender, so late,
// duplicated or stray replies change nothing.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { localSiblings, readRepair, storeHint, storeSiblings, type X } from './replica.js';
import { preferenceList } from './ring.js';
import type { Pending } from './state.js';
import { type Clock, contextOf, mergeSiblings, resolve, withCounter } from './versions.js';

/** Starts a put of `value` (or a get, when value is undefined) for client seq `seq`. */
export function coordinate(x: X, key: string, seq: number, value?: string): void {
  const { s, env, c } = x;
  assert(s.op === null, 'a node coordinates one operation at a time');
  const req = ++s.counter;
  const context: Clock = contextOf(s.client.context[key] ?? []);
  const version = value === undefined ? null : { value, clock: withCounter(context, env.id, req) };
  const op: Pending = {
    kind: value === undefined ? 'get' : 'put',
    req,
    key,
    seq,
    version,
    asked: [],
    replies: [],
    merged: [],
  };
  s.op = op;
  for (const node of preferenceList(key, c.n).slice(0, c.replicas)) ask(x, op, node, node);
  env.setTimer('op', c.timeoutMs);
  maybeComplete(x);
}

function ask(x: X, op: Pending, node: NodeId, owner: NodeId): void {
  const { env } = x;
  op.asked.push([node, owner]);
  const hint = owner === node ? 0 : owner;
  if (node !== env.id) {
    if (op.version === null) env.send(node, { type: 'Get', req: op.req, key: op.key });
    else env.send(node, { type: 'Put', req: op.req, key: op.key, version: op.version, hint });
    return;
  }
  // This node is one of the replicas asked: answer itself at once.
  if (op.version === null) op.replies.push([node, localSiblings(x, op.key)]);
  else {
    if (hint === 0) storeSiblings(x, op.key, [op.version]);
    else storeHint(x, hint, op.key, op.version);
    op.replies.push([node, []]);
  }
}

/** A PutAck or GetReply from `from` for request `req`. */
export function onReply(
  x: X,
  from: NodeId,
  req: number,
  siblings: readonly { value: string; clock: Clock }[],
) {
  const { s } = x;
  const op = s.op;
  if (op !== null && op.req === req) {
    if (!op.asked.some(([n]) => n === from) || op.replies.some(([n]) => n === from)) return;
    op.replies.push([from, [...siblings]]);
    maybeComplete(x);
    return;
  }
  // A get's reply after it completed: read repair with what it adds.
  const last = s.lastGet;
  if (last === null || last.req !== req || last.replies.some(([n]) => n === from)) return;
  if (!last.asked.some(([n]) => n === from)) return;
  last.replies.push([from, [...siblings]]);
  last.merged = mergeSiblings(last.merged, siblings);
  if (x.c.readRepair) readRepair(x, last.key, last.merged, last.replies);
}

function maybeComplete(x: X): void {
  const { s, env, c } = x;
  const op = s.op;
  if (op === null) return;
  const need = op.kind === 'put' ? c.writeQuorum : c.readQuorum;
  if (op.replies.length < need) return;
  env.cancelTimer('op');
  s.op = null;
  if (op.kind === 'put') {
    assert(op.version !== null, 'a put writes a version');
    s.client.context[op.key] = [op.version];
    env.output({ type: 'acked', key: op.key, version: op.version });
    env.output({ type: 'complete', client: env.id, seq: op.seq, outcome: 'ok', value: null });
  } else {
    op.merged = op.replies.reduce<ReturnType<typeof mergeSiblings>>(
      (m, [, v]) => mergeSiblings(m, v),
      [],
    );
    if (op.merged.length > 1) s.stats.siblingReads++;
    s.client.context[op.key] = op.merged;
    s.lastGet = op;
    if (c.readRepair) readRepair(x, op.key, op.merged, op.replies);
    const value = resolve(op.merged);
    env.output({ type: 'complete', client: env.id, seq: op.seq, outcome: 'ok', value });
  }
  assert(s.op === null, 'the operation is done');
  env.setTimer('next', 0);
}

/** The `op` timer: too few replies. Sloppy quorums widen; strict ones give up. */
export function onOpTimeout(x: X): void {
  const { s, env, c } = x;
  const op = s.op;
  assert(op !== null, 'the op timer runs only while an operation is pending');
  const silent = op.asked.filter(([n]) => !op.replies.some(([r]) => r === n));
  const unasked = preferenceList(op.key, c.n).filter((n) => !op.asked.some(([a]) => a === n));
  if (c.sloppy && unasked.length > 0) {
    silent.forEach(([, owner], i) => {
      const standIn = unasked[i];
      if (standIn !== undefined) ask(x, op, standIn, owner);
    });
    env.setTimer('op', c.timeoutMs);
    maybeComplete(x);
    return;
  }
  s.op = null;
  s.stats.refused++;
  env.output({ type: 'refused', client: env.id, seq: op.seq, key: op.key });
  env.setTimer('next', 0);
}
