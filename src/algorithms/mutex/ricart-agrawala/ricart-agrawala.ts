// The Ricart–Agrawala process (Ricart & Agrawala, CACM 1981; the notes' "multicast + logical
// clocks" [000, 001 §2.1]). A node that wants the critical section stamps a Request with its
// Lamport clock and sends it to the others; it enters after an OK from each. A node receiving
// a Request answers OK at once unless it is inside, or it wants too and its own (timestamp,
// id) is smaller — then it defers the OK until it leaves. Ties break by id. Without faults:
// exactly 2(n−1) messages per entry, served in timestamp order.
//
// Fault handling beyond the paper: the protocol state (clock, request, OKs, deferred list,
// replica) is durable, so a restarted node resumes where it stopped; a Request still missing
// OKs is re-sent after a timeout longer than any fault-free wait, and OKs echo the request's
// timestamp so a stale or duplicated OK is never counted.
//
// Variant `fd` (the notes' improvement): a heartbeat failure detector lets a node stop
// waiting for peers it suspects, and re-include them when they speak again. It is safe only
// while suspicion is accurate (see failure-detector.ts); a restarted node therefore gives up
// whatever it held — others may have gone ahead without it — and asks afresh.
//
// Fault model: crash-recovery, loss, duplication, reordering (classic: a peer that stays
// down stalls everyone); variant fd: the perfect detector's model.

import { assert } from '../../../core/assert.js';
import { compareLamport, lamportReceive, lamportTick } from '../../../core/clocks/lamport.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { freshDetector, heardFrom, suspectSilent } from '../failure-detector.js';
import { type MutexOutput, retryMs } from '../workload.js';
import type { RicartAgrawalaMessage } from './messages.js';
import type { RicartAgrawalaConfig } from './options.js';
import { edit, newer, unacknowledged } from './replica.js';
import {
  initRicartAgrawalaState,
  RICART_AGRAWALA_DURABLE,
  type RicartAgrawalaState,
  raConsistent,
} from './state.js';

type X = Step<RicartAgrawalaMessage, MutexOutput, RicartAgrawalaState, RicartAgrawalaConfig>;

export type RicartAgrawalaTimer = 'think' | 'retry' | 'hold' | 'ship' | 'beat';

const RESOURCE = 'cs';

/** A shipped file is re-sent after this long without an acknowledgement (10 worst RTTs). */
const SHIP_RETRY_MS = 200;

/** The peers whose OK we still need: all of them, or (variant fd) the unsuspected ones. */
function awaited({ s, env }: X): NodeId[] {
  const suspected = s.detector?.suspected ?? [];
  return env.peers.filter((p) => !s.ok.includes(p) && !suspected.includes(p));
}

/** What holds after every handler: our books agree, and nobody waits with every OK in. */
function assertSettled(x: X): void {
  assert(raConsistent(x.s), 'phase and inCS agree, OKs and acks are sets, deferrals unique');
  assert(
    x.s.phase !== 'wanting' || awaited(x).length > 0,
    'a node with every OK it awaits has entered',
  );
}

function ask(x: X, peers: readonly NodeId[]): void {
  const { s, env, c } = x;
  for (const peer of peers)
    env.send(peer, { type: 'Request', resource: RESOURCE, ts: s.ts, id: env.id });
  env.setTimer('retry', retryMs(env.nodes.length, c.opts));
}

function holdMs({ env, c }: X): number {
  return env.random.range(1, 2 * c.opts.holdMs - 1);
}

function thinkMs({ env, c }: X): number {
  return env.random.range(1, 2 * c.opts.thinkMs - 1);
}

function enterIfAllAgreed(x: X): void {
  const { s, env } = x;
  if (s.phase !== 'wanting' || awaited(x).length > 0) return;
  s.phase = 'inside';
  s.inCS = true;
  env.cancelTimer('retry');
  env.output({ type: 'enter' });
  env.setTimer('hold', holdMs(x));
}

function request(x: X): void {
  const { s, env } = x;
  s.clock = lamportTick(s.clock);
  s.ts = s.clock;
  s.phase = 'wanting';
  s.ok = [];
  ask(x, env.peers);
  enterIfAllAgreed(x); // A cluster of one (or of suspects) needs no OKs.
}

function answer({ s, env, c }: X, to: NodeId, ts: number): void {
  env.send(to, c.opts.replicate ? { type: 'OK', ts, file: s.file } : { type: 'OK', ts });
}

/** Answers every deferred request and forgets our own (after leaving, or giving up). */
function releaseDeferred(x: X): void {
  x.s.ok = [];
  for (const d of x.s.deferred) answer(x, d.node, d.ts);
  x.s.deferred = [];
}

/** Sends our replica to every peer that has not acknowledged it, until all have. */
function ship({ s, env }: X): void {
  const missing = unacknowledged(env.peers, s.shippedTo);
  for (const peer of missing) env.send(peer, { type: 'Update', file: s.file });
  if (missing.length > 0) env.setTimer('ship', SHIP_RETRY_MS);
}

/**
 * Leaves the critical section. The file edit is made here, in the same step as the exit and
 * the shipping, so a crash inside leaves no half-made edit behind.
 */
function leave(x: X, how: { abandoned: boolean }): void {
  const { s, env, c } = x;
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  env.output({ type: 'exit' });
  const edited = c.opts.replicate && !how.abandoned;
  if (edited) s.file = edit(s.file, env.id, s.served); // BEFORE the OKs carry it.
  releaseDeferred(x);
  if (edited) {
    s.shippedTo = [];
    ship(x);
  }
  if (s.served < c.opts.requests) env.setTimer('think', thinkMs(x));
}

/** Any message shows its sender alive (variant fd); one that came back must agree too. */
function heard(x: X, from: NodeId): void {
  const { s, env } = x;
  if (s.detector !== null && heardFrom(s.detector, from, env.now()) && s.phase === 'wanting')
    ask(x, [from]);
}

/** Resumes after a restart. With a failure detector, others may have gone on without us. */
function restart(x: X): void {
  const { s, c } = x;
  if (c.opts.replicate) ship(x);
  if (s.phase === 'inside') {
    if (s.detector === null) x.env.setTimer('hold', holdMs(x));
    else leave(x, { abandoned: true }); // The crash ended our critical section.
  } else if (s.phase === 'wanting') {
    if (s.detector === null) return ask(x, awaited(x));
    releaseDeferred(x); // Our old request lost its OKs: let the others go first…
    request(x); // …and ask again with a fresh timestamp, so stale OKs cannot count.
  } else if (s.served < c.opts.requests) {
    x.env.setTimer('think', thinkMs(x));
  }
}

export const createRicartAgrawala = defineProcess<
  RicartAgrawalaMessage,
  MutexOutput,
  RicartAgrawalaState,
  RicartAgrawalaConfig,
  RicartAgrawalaTimer
>({
  init: initRicartAgrawalaState,
  durable: [...RICART_AGRAWALA_DURABLE],
  onStart(x) {
    const { s, env, c } = x;
    const restarted = s.starts > 0;
    s.starts++;
    if (c.opts.variant === 'fd') {
      s.detector = freshDetector(env.peers, env.now());
      env.setTimer('beat', c.timing.heartbeatMs);
    }
    if (restarted) restart(x);
    else env.setTimer('think', thinkMs(x));
    assertSettled(x);
    assert(s.served <= c.opts.requests, 'nobody is served more than it asks');
  },
  onMessage: {
    Request(x, from, m) {
      const { s, env } = x;
      heard(x, from);
      if (m.resource === RESOURCE && m.id === from) {
        s.clock = lamportReceive(s.clock, m.ts);
        const ours = { time: s.ts, id: env.id };
        const defer =
          s.phase === 'inside' ||
          (s.phase === 'wanting' && compareLamport(ours, { time: m.ts, id: from }) < 0);
        if (!defer) answer(x, from, m.ts);
        else if (!s.deferred.some((d) => d.node === from && d.ts === m.ts))
          s.deferred.push({ node: from, ts: m.ts });
      }
      assertSettled(x);
      assert(s.phase !== 'idle' || s.deferred.length === 0, 'an idle node defers nobody');
    },
    OK(x, from, m) {
      const { s } = x;
      heard(x, from);
      if (m.file !== undefined) s.file = newer(s.file, m.file);
      if (s.phase === 'wanting' && m.ts === s.ts && !s.ok.includes(from)) {
        s.ok = [...s.ok, from].sort((a, b) => a - b);
        enterIfAllAgreed(x);
      }
      assertSettled(x);
      assert(!s.ok.includes(x.env.id), 'we never OK ourselves');
    },
    Update(x, from, m) {
      const before = x.s.file.version;
      heard(x, from);
      x.s.file = newer(x.s.file, m.file);
      x.env.send(from, { type: 'UpdateAck', version: m.file.version });
      assertSettled(x);
      assert(x.s.file.version >= before, 'a replica only moves forward');
    },
    UpdateAck(x, from, m) {
      const { s } = x;
      heard(x, from);
      if (m.version === s.file.version && !s.shippedTo.includes(from))
        s.shippedTo = [...s.shippedTo, from].sort((a, b) => a - b);
      assertSettled(x);
      assert(!s.shippedTo.includes(x.env.id), 'we never ship to ourselves');
    },
    Heartbeat(x, from) {
      heard(x, from);
      assertSettled(x);
      assert(x.s.detector === null || !x.s.detector.suspected.includes(from), 'it spoke');
    },
  },
  onTimer: {
    think(x) {
      if (x.s.phase === 'idle') {
        x.env.output({ type: 'request' });
        request(x);
      }
      assertSettled(x);
      assert(x.s.phase !== 'idle', 'a node that has thought asks');
    },
    retry(x) {
      if (x.s.phase === 'wanting') ask(x, awaited(x));
      assertSettled(x);
      assert(x.s.served <= x.c.opts.requests, 'nobody is served more than it asks');
    },
    hold(x) {
      if (x.s.phase === 'inside') leave(x, { abandoned: false });
      assertSettled(x);
      assert(x.s.phase !== 'inside', 'holding ends with leaving');
    },
    ship(x) {
      ship(x);
      assertSettled(x);
      assert(x.s.shippedTo.length <= x.env.peers.length, 'acks come from peers');
    },
    beat(x) {
      const { s, env, c } = x;
      if (s.detector !== null) {
        env.broadcast({ type: 'Heartbeat' });
        env.setTimer('beat', c.timing.heartbeatMs);
        const gone = suspectSilent(s.detector, env.peers, env.now(), c.timing);
        if (gone.length > 0) enterIfAllAgreed(x);
      }
      assertSettled(x);
      assert((s.detector !== null) === (c.opts.variant === 'fd'), 'only variant fd detects');
    },
  },
});
