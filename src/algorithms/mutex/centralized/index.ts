// mutex/centralized — the notes' central server [000, 001 §2.1]: node 1 coordinates,
// Request → Grant → Release, 3 messages per entry, first come first served (centralized.ts).
// Weaknesses (scenarios): every message passes through the coordinator (`coordinatorMessages`
// grows as 3 per entry: 100 programs → 300 messages), and while it is down everyone stalls —
// unless `--failover` elects a new one that rebuilds the queue from the clients (failover.ts).

import { defineAlgorithm } from '../../../core/algorithm.js';
import type { NodeId, Process } from '../../../core/process.js';
import {
  detectorTiming,
  heardFrom,
  PERFECT_DETECTOR,
  PERFECT_DETECTOR_WORST_LATENCY_MS,
} from '../failure-detector.js';
import {
  everyRequestServed,
  type MutexOutput,
  mutexMetrics,
  mutexOptionSpecs,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import {
  type Config,
  clientMessage,
  clientTimer,
  coordinatorMessage,
  type E,
  isRequester,
  ORIGINAL_COORDINATOR,
  probeHolder,
  type Receive,
  restartClient,
} from './centralized.js';
import { failoverMessage, failoverTimer, loadLeadership, startFailover } from './failover.js';
import {
  type CentralizedMessage,
  type CentralizedOptions,
  type CentralizedState,
  type CoordinatorBook,
  parseCentralizedMessage,
} from './messages.js';

function create(id: NodeId, c: Config): Process<CentralizedMessage, MutexOutput, CentralizedState> {
  const state: CentralizedState = {
    role: id === ORIGINAL_COORDINATOR ? 'coordinator' : 'client',
    phase: 'idle',
    inCS: false,
    served: 0,
    req: 0,
    book: { holder: null, queue: [], done: {} },
    coord: ORIGINAL_COORDINATOR,
    epoch: 1,
    epochSeen: 1,
    election: 'none',
    detector: null,
  };
  function onMessage(env: E, from: NodeId, m: CentralizedMessage): void {
    const receive: Receive = (f, msg) => onMessage(env, f, msg);
    if (state.detector !== null && from === state.coord) heardFrom(state.detector, from, env.now());
    switch (m.type) {
      case 'Request':
      case 'Release':
        if (state.role === 'coordinator') coordinatorMessage(state, env, c, from, m, receive);
        return;
      case 'Grant':
      case 'Probe':
        if (from === state.coord && isRequester(id)) clientMessage(state, env, c, m, receive);
        return;
      default:
        if (c.opts.failover) failoverMessage(state, env, c, from, m, receive);
    }
  }
  return {
    state,
    onStart(env) {
      const receive: Receive = (from, m) => onMessage(env, from, m);
      const restarted = env.storage.keys().length > 0;
      state.book = env.storage.get<CoordinatorBook>('book') ?? state.book;
      if (c.opts.failover) {
        loadLeadership(state, env);
        // A restarted node only coordinates again by winning an election.
        if (restarted) state.role = 'client';
        startFailover(state, env, c);
      }
      if (state.role === 'coordinator' && state.book.holder !== null)
        probeHolder(state, env, c, receive);
      if (isRequester(id)) restartClient(state, env, c, receive);
    },
    onMessage,
    onTimer(env, name) {
      const receive: Receive = (from, m) => onMessage(env, from, m);
      if (name === 'probe') probeHolder(state, env, c, receive);
      else if (!clientTimer(state, env, c, name, receive) && c.opts.failover)
        failoverTimer(state, env, c, name, receive);
    },
  };
}

export const centralized = defineAlgorithm<
  CentralizedMessage,
  MutexOutput,
  CentralizedState,
  CentralizedOptions
>({
  name: 'mutex/centralized',
  family: 'mutex',
  summary: 'Central coordinator with a FIFO queue: request, grant, release (3 messages per entry)',
  seed: '000; 001 §2.1',
  nodes: { default: 5, min: 2, max: 256 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: {
    ...mutexOptionSpecs,
    failover: {
      kind: 'bool',
      default: false,
      description: 'elect a new coordinator when it fails; it rebuilds the queue from clients',
    },
    heartbeatMs: {
      kind: 'int',
      default: 50,
      min: 1,
      max: 60_000,
      description: "the coordinator's heartbeat period (with --failover)",
    },
  },
  create: (id, ctx) =>
    create(id, {
      opts: ctx.options,
      timing: detectorTiming(ctx.options.heartbeatMs, PERFECT_DETECTOR_WORST_LATENCY_MS),
      electMs: 2 * PERFECT_DETECTOR_WORST_LATENCY_MS + 20,
    }),
  parseMessage: parseCentralizedMessage,
  invariants: () => [mutualExclusion(), noUnaskedGrant()],
  liveness: (ctx) => [everyRequestServed(ctx.options.requests, isRequester)],
  metrics: (view) => ({
    ...mutexMetrics(view),
    coordinatorMessages: (view.stats.sentBy[0] ?? 0) + (view.stats.receivedBy[0] ?? 0),
    heartbeats: view.stats.byType.Heartbeat ?? 0,
    elections: view.stats.byType.Victory === undefined ? 0 : view.stats.byType.Victory,
  }),
  messageCount: {
    formula: '3 per entry (Request, Grant, Release; failover traffic apart)',
    compare: (view) => {
      const entries = view.outputs.filter((o) => o.output.type === 'enter').length;
      const { Request = 0, Grant = 0, Release = 0 } = view.stats.byType;
      return { expected: 3 * entries, measured: Request + Grant + Release };
    },
  },
  faultModel: (options) => (options.failover ? PERFECT_DETECTOR : undefined),
  scenarios: [
    {
      name: 'coordinator-load',
      description:
        '100 programs each enter once: the coordinator handles 300 messages (3 per entry).',
      faults: '',
      nodes: 101,
      options: { requests: 1, holdMs: 1, thinkMs: 20 },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'coordinator-crash',
      description:
        'The coordinator crashes for good: nobody enters again (single point of failure).',
      faults: 'crash 1 @200',
      expect: { safety: 'hold', liveness: 'violated' },
    },
    {
      name: 'coordinator-restart',
      description: 'The coordinator restarts; its durable queue lets everyone finish.',
      faults: 'crash 1 @200; restart 1 @600',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'failover-recovers',
      description:
        'With --failover the coordinator crashes for good: node 2 is elected, rebuilds the ' +
        'queue from the clients and everyone finishes.',
      faults: 'crash 1 @200',
      options: { failover: true },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'failover-twice',
      description:
        'With --failover two coordinators crash in turn; node 1 returns and follows node 3.',
      faults: 'crash 1 @200; crash 2 @1200; restart 1 @1800',
      options: { failover: true },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'failover-split-brain',
      description:
        'With --failover a partition looks like a crash: the far side elects node 4 while ' +
        'node 1 still coordinates its side, and two clients are inside at once.',
      faults: 'partition 1,2,3|4,5 @200..6000',
      options: { failover: true, requests: 40, thinkMs: 100 },
      expect: { safety: 'violated', liveness: 'hold' },
    },
  ],
});
