// Chain replication (van Renesse & Schneider, "Chain Replication for Supporting High
// Throughput and Availability", OSDI 2004). The servers form a chain, head to tail, in the
// master's view (node 1, shared/master.ts). A write enters at the head, which logs it and
// forwards an Update to its successor; each server logs and forwards it on; the tail logs
// it and answers the client — a write is acknowledged by the tail. Reads are answered by the
// tail from its state: every update the tail holds has passed the whole chain, so reads see
// exactly the acknowledged writes. The tail's Ack travels back towards the head, each server
// trimming its Sent list (the log after `acked`), which it re-sends until acknowledged.
//
// The Update Propagation Invariant (§3): for servers i before j in the chain, Hist_j is a
// prefix of Hist_i — a server holds every update its successor holds. Reconfiguration
// (§3 "Coping with Server Failures") keeps it:
// - head fails: the master splices it out; its successor, holding a prefix of what the head
//   had, becomes head. Updates only the old head held were never acknowledged.
// - tail fails: its predecessor becomes tail; it holds everything the tail held, and more.
// - middle fails: the predecessor becomes the successor's predecessor and sends it what it
//   may lack. Here every server whose predecessor changed installs the new epoch from a
//   Snapshot of the predecessor's log (one message in place of the paper's Sent replay),
//   head first and down the chain, so the invariant holds by construction.
// - a new server joins at the tail end, from its predecessor's snapshot (a simplification of
//   §3's extension: the old tail stops serving reads at once instead of after the transfer).
//
//   client ──write──▶ head ──Update──▶ … ──Update──▶ tail ──Reply──▶ client
//                      ◀────Ack────── … ◀────Ack──────┘
//   client ──read───────────────────────────────────▶ tail ──Reply──▶ client
//
// Fault model (the paper's): fail-stop servers — a crash is detected by the master and a
// restarted server is a new one that joins again (installed is volatile) — with lossy,
// duplicating, reordering, delaying links (re-sent until acknowledged, applied in index
// order). Not partitions nor pauses: a tail wrongly suspected but alive would answer reads
// the new tail has moved past (scenario `tail-cut-off`). Promises linearizability.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { clientComplete, clientNext, clientTimeout } from '../shared/client.js';
import { appendEntry, type Entry, rebuild, type View } from '../shared/log.js';
import { masterOnPong, masterStart, masterTick } from '../shared/master.js';
import type { ReplicationOutput } from '../shared/messages.js';
import { type ClientOp, isInstalled, MASTER } from '../shared/state.js';
import type { ChainMessage } from './messages.js';
import type { ChainConfig } from './options.js';
import { type ChainState, initChainState, neighbours } from './state.js';

type X = Step<ChainMessage, ReplicationOutput, ChainState, ChainConfig>;
export type ChainTimer = 'tick' | 'next' | 'op' | 'resend';

/** Updates re-sent to the successor per resend (bounds a resend's burst). */
const RESEND_BATCH = 16;

const isHead = (x: X) => isInstalled(x.s, x.env.id) && x.s.view.members[0] === x.env.id;
const isTail = (x: X) => isInstalled(x.s, x.env.id) && x.s.view.members.at(-1) === x.env.id;

function route(x: X, op: ClientOp): void {
  const m = x.s.view.members;
  const to = op.value === null ? m[m.length - 1]! : m[0]!;
  const req = { type: 'Request', seq: op.seq, key: op.key, value: op.value } as const;
  if (to === x.env.id) onRequest(x, x.env.id, req);
  else x.env.send(to, req);
}

function reply(x: X, client: NodeId, seq: number, value: string | null): void {
  if (client === x.env.id) clientComplete(x, seq, value);
  else x.env.send(client, { type: 'Reply', seq, value });
}

function onRequest(x: X, from: NodeId, m: { seq: number; key: string; value: string | null }) {
  const { s } = x;
  if (m.value === null) {
    if (isTail(x)) reply(x, from, m.seq, s.store[m.key] ?? null); // §2: queries at the tail.
    return;
  }
  if (!isHead(x) || m.seq <= (s.lastSeq[from] ?? 0)) return; // Not the head, or a duplicate.
  const before = s.log.length;
  logUpdate(x, { c: from, q: m.seq, k: m.key, v: m.value });
  assert(s.log.length === before + 1, 'the head logs every new write');
}

/** Logs an update in order, then forwards it — or, at the tail, acknowledges it. */
function logUpdate(x: X, e: Entry): void {
  const { s, env } = x;
  appendEntry(s, e);
  const index = s.log.length;
  const { pred, succ } = neighbours(s, env.id);
  if (succ !== undefined) {
    if (s.succSynced) env.send(succ, { type: 'Update', epoch: s.installed, index, entry: e });
    return;
  }
  s.acked = index;
  env.output({ type: 'acked', index, epoch: s.installed, entry: e });
  reply(x, e.c, e.q, null);
  if (pred !== undefined) env.send(pred, { type: 'Ack', epoch: s.installed, index });
}

/** Installs `view` with `log` (the head: its own) and passes the snapshot down the chain. */
function install(x: X, view: View, log: readonly Entry[]): void {
  const { s, env } = x;
  s.view = view;
  s.installed = view.epoch;
  s.rejoining = false;
  s.succSynced = false;
  if (log !== s.log) rebuild(s, log);
  const { pred, succ } = neighbours(s, env.id);
  s.acked = succ === undefined ? s.log.length : 0;
  if (succ !== undefined) env.send(succ, { type: 'Snapshot', view, log: [...s.log] });
  else if (pred !== undefined) env.send(pred, { type: 'Ack', epoch: view.epoch, index: s.acked });
  assert(isInstalled(s, env.id), 'a server installs only views it is in');
}

function resend(x: X): void {
  const { s, env } = x;
  if (!isInstalled(s, env.id)) return;
  const { pred, succ } = neighbours(s, env.id);
  if (succ === undefined) {
    if (pred !== undefined)
      env.send(pred, { type: 'Ack', epoch: s.installed, index: s.log.length });
    return;
  }
  if (!s.succSynced) {
    env.send(succ, { type: 'Snapshot', view: s.view, log: [...s.log] });
    return;
  }
  const last = Math.min(s.log.length, s.acked + RESEND_BATCH);
  for (let i = s.acked + 1; i <= last; i++)
    env.send(succ, { type: 'Update', epoch: s.installed, index: i, entry: s.log[i - 1]! });
}

export const createChain = defineProcess<
  ChainMessage,
  ReplicationOutput,
  ChainState,
  ChainConfig,
  ChainTimer
>({
  init: initChainState,
  durable: ['view', 'log', 'started', 'seq', 'safe'],
  onStart(x) {
    const { s, env, c } = x;
    if (env.id === MASTER) return masterStart(x);
    rebuild(s, s.log);
    if (!s.started) {
      s.started = true;
      s.installed = s.view.epoch; // The first chain: everyone empty, everyone installed.
      s.succSynced = true;
    } else s.rejoining = true;
    env.setTimer('next', 0);
    env.setTimer('resend', c.resendMs);
    assert(s.installed === 0 || s.log.length === 0, 'only a first start is installed at once');
  },
  onMessage: {
    Ping(x, from, m) {
      const { s, env } = x;
      if (from !== MASTER || env.id === MASTER) return;
      if (m.view.epoch > s.view.epoch) {
        s.view = m.view;
        // The head installs at once, from its own log; the others wait for a snapshot.
        if (m.view.members[0] === env.id) install(x, m.view, s.log);
      }
      env.send(MASTER, { type: 'Pong', installed: s.installed, rejoining: s.rejoining });
    },
    Pong(x, from, m) {
      if (x.env.id === MASTER && from !== MASTER) masterOnPong(x, from, m.installed, m.rejoining);
    },
    Request(x, from, m) {
      if (from !== MASTER) onRequest(x, from, m);
    },
    Reply(x, _from, m) {
      clientComplete(x, m.seq, m.value);
    },
    Snapshot(x, from, m) {
      const { s, env } = x;
      const { view } = m;
      const i = view.members.indexOf(env.id);
      if (env.id === MASTER || i < 1 || view.members[i - 1] !== from) return;
      if (view.epoch > s.installed && view.epoch >= s.view.epoch) install(x, view, m.log);
      else if (view.epoch === s.installed && isTail(x))
        env.send(from, { type: 'Ack', epoch: s.installed, index: s.log.length });
      assert(s.installed >= view.epoch || view.epoch < s.view.epoch, 'a fresh snapshot installs');
    },
    Update(x, from, m) {
      const { s, env } = x;
      if (!isInstalled(s, env.id) || m.epoch !== s.installed) return;
      const { pred } = neighbours(s, env.id);
      if (from !== pred) return;
      if (m.index === s.log.length + 1) logUpdate(x, m.entry);
      else if (m.index <= s.log.length && isTail(x))
        env.send(from, { type: 'Ack', epoch: s.installed, index: s.log.length });
      assert(s.acked <= s.log.length, 'Sent is a suffix of the log');
    },
    Ack(x, from, m) {
      const { s, env } = x;
      if (!isInstalled(s, env.id) || m.epoch !== s.installed) return;
      const { pred, succ } = neighbours(s, env.id);
      if (from !== succ) return;
      s.succSynced = true;
      // The tail holds a prefix of this server's log (the invariant): never past its end.
      s.acked = Math.max(s.acked, Math.min(m.index, s.log.length));
      if (pred !== undefined) env.send(pred, { type: 'Ack', epoch: s.installed, index: s.acked });
      assert(s.acked <= s.log.length, 'Sent is a suffix of the log');
    },
  },
  onTimer: {
    tick(x) {
      masterTick(x, { primaryFirst: false, requireSafe: true });
    },
    next(x) {
      clientNext(x, route);
    },
    op: clientTimeout,
    resend(x) {
      resend(x);
      x.env.setTimer('resend', x.c.resendMs);
    },
  },
});
