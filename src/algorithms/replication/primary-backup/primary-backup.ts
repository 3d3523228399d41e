// Primary-backup replication (seed notes 001 §6: single-master, synchronous against
// asynchronous replication; Budhiraja, Marzullo, Schneider, Toueg, "The Primary-Backup
// Approach", 1993). Clients send every operation to the primary of the view they know.
// - sync: the primary numbers the operation (reads too, so they are ordered with the
//   writes), ships it to every backup (Forward) and applies and answers only once every
//   backup acknowledged it — one silent backup blocks every write until the master removes
//   it from the view (scenario `sync-backup-down`, metric longestWriteMs).
// - async: the primary applies and answers at once and ships in the background; a read is
//   answered from its store. A failover then promotes a backup that may lack acknowledged
//   writes: they are lost (scenario `async-failover`).
// Failover (shared/master.ts): the master on node 1 issues views numbered by epoch; the
// first member is the primary. A new primary installs itself and sends every backup a
// Snapshot of its log; a backup acknowledges entries only from the primary of the epoch it
// installed and knows as newest, so a deposed primary (crashed, paused or cut off, yet
// still believing) can commit nothing once a backup moved on: its writes are refused.
//
//   client ──Request──▶ primary ──Forward(epoch, index)──▶ backups
//          ◀──Reply──── (sync: after every Ack; async: at once) ◀──Ack(epoch, index)──
//   master ──Ping(view)──▶ replicas ──Pong(installed)──▶ master
//
// Fault model, sync: crash-recovery (log durable; a restarted replica rejoins through the
// master), lossy, duplicating, reordering, delaying links, partitions, pauses, drift; false
// suspicion is safe (fencing by epoch). It promises linearizability (reads go through the
// log) and that no acknowledged write is lost. Async: only link faults — a primary that fails
// loses what it had not shipped.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { clientComplete, clientNext, clientTimeout } from '../shared/client.js';
import { appendEntry, type Entry, rebuild, type View } from '../shared/log.js';
import { masterOnPong, masterStart, masterTick } from '../shared/master.js';
import type { ReplicationOutput } from '../shared/messages.js';
import { type ClientOp, isInstalled, MASTER } from '../shared/state.js';
import type { PbMessage } from './messages.js';
import type { PbConfig } from './options.js';
import { initPbState, type PbState } from './state.js';

type X = Step<PbMessage, ReplicationOutput, PbState, PbConfig>;
export type PbTimer = 'tick' | 'next' | 'op' | 'resend';

/** Entries re-sent to one backup per resend (bounds a resend's burst). */
const RESEND_BATCH = 16;

const isPrimary = (x: X) => isInstalled(x.s, x.env.id) && x.s.view.members[0] === x.env.id;
const backupsOf = (v: View) => v.members.slice(1);

function route(x: X, op: ClientOp): void {
  const primary = x.s.view.members[0]!;
  const m = { type: 'Request', seq: op.seq, key: op.key, value: op.value } as const;
  if (primary === x.env.id) onRequest(x, x.env.id, m);
  else x.env.send(primary, m);
}

function reply(x: X, client: NodeId, seq: number, value: string | null): void {
  if (client === x.env.id) clientComplete(x, seq, value);
  else x.env.send(client, { type: 'Reply', seq, value });
}

/** A client's operation at the primary. */
function onRequest(x: X, from: NodeId, m: { seq: number; key: string; value: string | null }) {
  const { s, env, c } = x;
  if (!isPrimary(x)) return; // The client's view is stale: it will time out and move on.
  const last = Math.max(
    s.lastSeq[from] ?? 0,
    ...s.pending.filter((e) => e.c === from).map((e) => e.q),
  );
  if (m.seq <= last) return; // A duplicate, or an operation its client already gave up.
  const entry: Entry = { c: from, q: m.seq, k: m.key, v: m.value };
  if (c.mode === 'async') {
    if (m.value === null) return reply(x, from, m.seq, s.store[m.key] ?? null);
    appendEntry(s, entry);
    env.output({ type: 'acked', index: s.log.length, epoch: s.installed, entry });
    reply(x, from, m.seq, null);
    for (const b of backupsOf(s.view)) ship(x, b, s.log.length, entry);
    return;
  }
  s.pending.push(entry);
  const index = s.log.length + s.pending.length;
  for (const b of backupsOf(s.view)) ship(x, b, index, entry);
  commit(x);
  assert(s.log.length + s.pending.length >= index, 'a pending entry is kept until committed');
}

function ship(x: X, to: NodeId, index: number, entry: Entry): void {
  if ((x.s.acks[to - 2] ?? -1) < 0) return; // It gets the snapshot first.
  x.env.send(to, { type: 'Forward', epoch: x.s.installed, index, entry });
}

/** Sync: applies and answers every pending entry each backup acknowledged. */
function commit(x: X): void {
  const { s, env } = x;
  const backups = backupsOf(s.view);
  while (s.pending.length > 0 && backups.every((b) => (s.acks[b - 2] ?? -1) > s.log.length)) {
    const e = s.pending.shift()!;
    appendEntry(s, e);
    if (e.v !== null)
      env.output({ type: 'acked', index: s.log.length, epoch: s.installed, entry: e });
    reply(x, e.c, e.q, e.v === null ? (s.store[e.k] ?? null) : null);
  }
}

/** Adopts a newer view from the master; its primary installs it at once. */
function adopt(x: X, view: View): void {
  const { s, env } = x;
  assert(view.epoch > s.view.epoch, 'views only move forward');
  const stays = isPrimary(x) && view.members[0] === env.id;
  s.view = view;
  // A primary that stays keeps its pending entries: they follow the snapshot again.
  if (!stays) s.pending = [];
  if (view.members[0] !== env.id) return; // A backup waits for the primary's snapshot.
  s.installed = view.epoch;
  s.rejoining = false;
  s.acks = s.acks.map(() => -1);
  for (const b of backupsOf(view)) env.send(b, { type: 'Snapshot', view, log: [...s.log] });
  assert(isPrimary(x), 'the new primary acts at once');
}

function resend(x: X): void {
  const { s, env } = x;
  if (!isPrimary(x)) return;
  const all = [...s.log, ...s.pending];
  for (const b of backupsOf(s.view)) {
    const acked = s.acks[b - 2] ?? -1;
    if (acked < 0) env.send(b, { type: 'Snapshot', view: s.view, log: [...s.log] });
    else
      for (let i = acked + 1; i <= Math.min(all.length, acked + RESEND_BATCH); i++)
        ship(x, b, i, all[i - 1]!);
  }
}

export const createPrimaryBackup = defineProcess<
  PbMessage,
  ReplicationOutput,
  PbState,
  PbConfig,
  PbTimer
>({
  init: initPbState,
  durable: ['view', 'log', 'started', 'seq', 'safe'],
  onStart(x) {
    const { s, env, c } = x;
    if (env.id === MASTER) return masterStart(x);
    rebuild(s, s.log);
    s.acks = Array.from({ length: c.n - 1 }, () => 0);
    if (!s.started) {
      s.started = true;
      s.installed = s.view.epoch; // The first view: everyone empty, everyone installed.
    } else s.rejoining = true;
    env.setTimer('next', 0);
    env.setTimer('resend', c.resendMs);
    assert(s.installed === 0 || s.log.length === 0, 'only a first start is installed at once');
  },
  onMessage: {
    Ping(x, from, m) {
      const { s, env } = x;
      if (from !== MASTER || env.id === MASTER) return;
      if (m.view.epoch > s.view.epoch) adopt(x, m.view);
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
      if (env.id === MASTER || view.members[0] !== from || from === env.id) return;
      if (!view.members.includes(env.id) || view.epoch < s.view.epoch || view.epoch < s.installed)
        return;
      if (view.epoch > s.installed) {
        s.view = view;
        s.installed = view.epoch;
        s.rejoining = false;
        s.pending = [];
        rebuild(s, m.log);
      }
      env.send(from, { type: 'Ack', epoch: s.installed, index: s.log.length });
      assert(s.installed === view.epoch, 'a backup acknowledges only the snapshot it installed');
    },
    Forward(x, from, m) {
      const { s, env } = x;
      // Fencing: only the primary of the epoch this backup installed and knows as newest.
      if (!isInstalled(s, env.id) || m.epoch !== s.installed || s.view.members[0] !== from) return;
      if (from === env.id) return;
      if (m.index === s.log.length + 1) appendEntry(s, m.entry);
      env.send(from, { type: 'Ack', epoch: m.epoch, index: s.log.length });
      assert(s.log.length >= Math.min(m.index, s.log.length), 'a backup never drops entries here');
    },
    Ack(x, from, m) {
      const { s } = x;
      if (!isPrimary(x) || m.epoch !== s.installed || !backupsOf(s.view).includes(from)) return;
      s.acks[from - 2] = Math.max(s.acks[from - 2] ?? -1, m.index);
      if (x.c.mode === 'sync') commit(x);
      assert(isPrimary(x), 'an ack changes no role');
    },
  },
  onTimer: {
    tick(x) {
      masterTick(x, { primaryFirst: true, requireSafe: x.c.mode === 'sync' });
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
