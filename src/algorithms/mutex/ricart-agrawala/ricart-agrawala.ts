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

import { compareLamport, lamportReceive, lamportTick } from '../../../core/clocks/lamport.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import {
  type DetectorState,
  type DetectorTiming,
  freshDetector,
  heardFrom,
  suspectSilent,
} from '../failure-detector.js';
import { type MutexNodeState, type MutexOptions, type MutexOutput, retryMs } from '../workload.js';
import type { RicartAgrawalaMessage } from './messages.js';
import { EMPTY_FILE, edit, newer, type Replica, unacknowledged } from './replica.js';

export interface RicartAgrawalaOptions extends MutexOptions {
  readonly variant: 'classic' | 'fd';
  readonly heartbeatMs: number;
  readonly replicate: boolean;
}

interface Deferred {
  readonly node: NodeId;
  readonly ts: number;
}

export interface RicartAgrawalaState extends MutexNodeState {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  clock: number;
  /** Timestamp of our outstanding request (meaningful while wanting or inside). */
  ts: number;
  /** Peers that answered OK to the current request, ascending. */
  ok: NodeId[];
  deferred: Deferred[];
  /** This node's replica of the shared file (HDFS mode). */
  file: Replica;
  /** Peers that acknowledged our latest shipped version (HDFS mode), ascending. */
  shippedTo: NodeId[];
  /** Volatile: the failure detector (variant fd), null otherwise. */
  detector: DetectorState | null;
}

const RESOURCE = 'cs';

/** A shipped file is re-sent after this long without an acknowledgement (10 worst RTTs). */
const SHIP_RETRY_MS = 200;

type E = Env<RicartAgrawalaMessage, MutexOutput>;

/** Fixed per run: the options and the failure detector's timing. */
interface Config {
  readonly opts: RicartAgrawalaOptions;
  readonly timing: DetectorTiming;
}

function save(s: RicartAgrawalaState, env: E): void {
  const { detector: _volatile, ...durable } = s;
  env.storage.set('state', durable);
}

/** The peers whose OK we still need: all of them, or (variant fd) the unsuspected ones. */
function awaited(s: RicartAgrawalaState, env: E): NodeId[] {
  const suspected = s.detector?.suspected ?? [];
  return env.peers.filter((p) => !s.ok.includes(p) && !suspected.includes(p));
}

function ask(s: RicartAgrawalaState, env: E, peers: readonly NodeId[], c: Config): void {
  for (const peer of peers)
    env.send(peer, { type: 'Request', resource: RESOURCE, ts: s.ts, id: env.id });
  env.setTimer('retry', retryMs(env.nodes.length, c.opts));
}

function holdMs(env: E, c: Config): number {
  return env.random.range(1, 2 * c.opts.holdMs - 1);
}

function thinkMs(env: E, c: Config): number {
  return env.random.range(1, 2 * c.opts.thinkMs - 1);
}

function enterIfAllAgreed(s: RicartAgrawalaState, env: E, c: Config): void {
  if (s.phase !== 'wanting' || awaited(s, env).length > 0) return;
  s.phase = 'inside';
  s.inCS = true;
  env.cancelTimer('retry');
  env.output({ type: 'enter' });
  env.setTimer('hold', holdMs(env, c));
}

function request(s: RicartAgrawalaState, env: E, c: Config): void {
  s.clock = lamportTick(s.clock);
  s.ts = s.clock;
  s.phase = 'wanting';
  s.ok = [];
  ask(s, env, env.peers, c);
  enterIfAllAgreed(s, env, c); // A cluster of one (or of suspects) needs no OKs.
}

function answer(s: RicartAgrawalaState, env: E, to: NodeId, ts: number, c: Config): void {
  env.send(to, c.opts.replicate ? { type: 'OK', ts, file: s.file } : { type: 'OK', ts });
}

function onRequest(s: RicartAgrawalaState, env: E, from: NodeId, ts: number, c: Config): void {
  s.clock = lamportReceive(s.clock, ts);
  const ours = { time: s.ts, id: env.id };
  const theirs = { time: ts, id: from };
  const defer = s.phase === 'inside' || (s.phase === 'wanting' && compareLamport(ours, theirs) < 0);
  if (!defer) answer(s, env, from, ts, c);
  else if (!s.deferred.some((d) => d.node === from && d.ts === ts))
    s.deferred.push({ node: from, ts });
}

/** Answers every deferred request and forgets our own (after leaving, or giving up). */
function releaseDeferred(s: RicartAgrawalaState, env: E, c: Config): void {
  s.ok = [];
  for (const d of s.deferred) answer(s, env, d.node, d.ts, c);
  s.deferred = [];
}

/** Sends our replica to every peer that has not acknowledged it, until all have. */
function ship(s: RicartAgrawalaState, env: E): void {
  const missing = unacknowledged(env.peers, s.shippedTo);
  for (const peer of missing) env.send(peer, { type: 'Update', file: s.file });
  if (missing.length > 0) env.setTimer('ship', SHIP_RETRY_MS);
}

/**
 * Leaves the critical section. The file edit is made here, in the same step as the exit and
 * the shipping, so a crash inside leaves no half-made edit behind.
 */
function leave(s: RicartAgrawalaState, env: E, c: Config, how: { abandoned: boolean }): void {
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  env.output({ type: 'exit' });
  const edited = c.opts.replicate && !how.abandoned;
  if (edited) s.file = edit(s.file, env.id, s.served); // BEFORE the OKs carry it.
  releaseDeferred(s, env, c);
  if (edited) {
    s.shippedTo = [];
    ship(s, env);
  }
  if (s.served < c.opts.requests) env.setTimer('think', thinkMs(env, c));
}

function onMessage(
  s: RicartAgrawalaState,
  env: E,
  from: NodeId,
  m: RicartAgrawalaMessage,
  c: Config,
): void {
  if (s.detector !== null && heardFrom(s.detector, from, env.now()) && s.phase === 'wanting')
    ask(s, env, [from], c); // It came back: it must agree too.
  switch (m.type) {
    case 'Request':
      if (m.resource === RESOURCE && m.id === from) onRequest(s, env, from, m.ts, c);
      return;
    case 'OK':
      if (m.file !== undefined) s.file = newer(s.file, m.file);
      if (s.phase === 'wanting' && m.ts === s.ts && !s.ok.includes(from)) {
        s.ok = [...s.ok, from].sort((a, b) => a - b);
        enterIfAllAgreed(s, env, c);
      }
      return;
    case 'Update':
      s.file = newer(s.file, m.file);
      env.send(from, { type: 'UpdateAck', version: m.file.version });
      return;
    case 'UpdateAck':
      if (m.version === s.file.version && !s.shippedTo.includes(from))
        s.shippedTo = [...s.shippedTo, from].sort((a, b) => a - b);
      return;
    case 'Heartbeat':
      return;
  }
}

function onTimer(s: RicartAgrawalaState, env: E, name: string, c: Config): void {
  if (name === 'think' && s.phase === 'idle') {
    env.output({ type: 'request' });
    request(s, env, c);
  } else if (name === 'retry' && s.phase === 'wanting') {
    ask(s, env, awaited(s, env), c);
  } else if (name === 'hold' && s.phase === 'inside') {
    leave(s, env, c, { abandoned: false });
  } else if (name === 'ship') {
    ship(s, env);
  } else if (name === 'beat' && s.detector !== null) {
    env.broadcast({ type: 'Heartbeat' });
    env.setTimer('beat', c.timing.heartbeatMs);
    const gone = suspectSilent(s.detector, env.peers, env.now(), c.timing);
    if (gone.length > 0) enterIfAllAgreed(s, env, c);
  }
}

/** Resumes after a restart. With a failure detector, others may have gone on without us. */
function restart(s: RicartAgrawalaState, env: E, c: Config): void {
  if (c.opts.replicate) ship(s, env);
  if (s.phase === 'inside') {
    if (s.detector === null) env.setTimer('hold', holdMs(env, c));
    else leave(s, env, c, { abandoned: true }); // The crash ended our critical section.
  } else if (s.phase === 'wanting') {
    if (s.detector === null) return ask(s, env, awaited(s, env), c);
    releaseDeferred(s, env, c); // Our old request lost its OKs: let the others go first…
    request(s, env, c); // …and ask again with a fresh timestamp, so stale OKs cannot count.
  } else if (s.served < c.opts.requests) {
    env.setTimer('think', thinkMs(env, c));
  }
}

export function createRicartAgrawala(
  opts: RicartAgrawalaOptions,
  timing: DetectorTiming,
): Process<RicartAgrawalaMessage, MutexOutput, RicartAgrawalaState> {
  const c: Config = { opts, timing };
  let state: RicartAgrawalaState = {
    phase: 'idle',
    inCS: false,
    served: 0,
    clock: 0,
    ts: 0,
    ok: [],
    deferred: [],
    file: EMPTY_FILE,
    shippedTo: [],
    detector: null,
  };
  return {
    get state() {
      return state;
    },
    onStart(env) {
      const stored = env.storage.get<Omit<RicartAgrawalaState, 'detector'>>('state');
      state = { ...(stored ?? state), detector: null };
      if (opts.variant === 'fd') {
        state.detector = freshDetector(env.peers, env.now());
        env.setTimer('beat', timing.heartbeatMs);
      }
      if (stored === undefined) {
        if (opts.requests > 0) env.setTimer('think', thinkMs(env, c));
      } else {
        restart(state, env, c);
      }
      save(state, env);
    },
    onMessage(env, from, m) {
      onMessage(state, env, from, m, c);
      save(state, env);
    },
    onTimer(env, name) {
      onTimer(state, env, name, c);
      save(state, env);
    },
  };
}
