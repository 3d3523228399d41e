// Test support for driving raft servers by hand, without the simulator: an in-memory
// storage, an Env that records what a step sends and outputs, and a three-server leader
// elected by feeding it the votes. Tests only (nothing in the algorithm imports it).
//
// Fault model: none — the tests decide every input, including the hostile ones.

import { Prng } from '../../../core/prng.js';
import type { NodeId, Storage } from '../../../core/process.js';
import { kvMachineDef } from './machine.js';
import type { RaftMessage, RaftOutput } from './messages.js';
import { defaultRaftOptions, type RaftOptions } from './options.js';
import { createServer } from './raft.js';
import type { RaftEnv } from './state.js';

export class MapStorage implements Storage {
  readonly map = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  set(key: string, value: unknown): void {
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  keys(prefix = ''): string[] {
    return [...this.map.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

/** What a hand-driven node sent, output and noted so far. */
export interface Recorded {
  readonly sent: {
    readonly to: NodeId;
    readonly message: RaftMessage;
    /** Sent `beforeDurable`. */
    readonly early?: true;
  }[];
  readonly outputs: RaftOutput[];
  readonly notes: string[];
}

/** An Env whose clock reads `clock.nowMs` and whose effects land in `record`. */
export function plainEnv(
  id: NodeId,
  nodes: readonly NodeId[],
  storage: Storage,
  record: Recorded,
  clock: { nowMs: number } = { nowMs: 0 },
): RaftEnv {
  return {
    id,
    nodes,
    peers: nodes.filter((n) => n !== id),
    now: () => clock.nowMs,
    send: (to, message, options) =>
      record.sent.push(
        options?.beforeDurable === true ? { to, message, early: true } : { to, message },
      ),
    broadcast: () => {},
    setTimer: () => {},
    cancelTimer: () => {},
    random: new Prng(id),
    storage,
    output: (o) => record.outputs.push(o),
    note: (text) => record.notes.push(text),
  };
}

export function emptyRecord(): Recorded {
  return { sent: [], outputs: [], notes: [] };
}

/** A started server of the cluster {1, 2, 3} with its own storage (or the one given). */
export function handServer(
  id: NodeId,
  options: Partial<RaftOptions> = {},
  storage: Storage = new MapStorage(),
) {
  const nodes = [1, 2, 3];
  const o = { ...defaultRaftOptions, ...options };
  const cluster = { servers: nodes, clients: [], initialVoters: nodes };
  const process = createServer({ ...o, cluster, machine: kvMachineDef }, id);
  const record = emptyRecord();
  const clock = { nowMs: 0 };
  const env = plainEnv(id, nodes, storage, record, clock);
  process.onStart(env);
  return { process, env, record, clock, storage };
}

/**
 * Server 1 of {1, 2, 3}, made leader of term 1 by server 2's pre-vote and vote, with one
 * write committed: both followers acknowledged the no-op and the write, so it replicates
 * to them in the pipelined state.
 */
export function handLeader(options: Partial<RaftOptions> = {}) {
  const h = handServer(1, options);
  const { process, env } = h;
  process.onTimer(env, 'election');
  process.onMessage(env, 2, { type: 'PreVoteReply', term: 1, voteGranted: true });
  process.onMessage(env, 2, { type: 'RequestVoteReply', term: 1, voteGranted: true });
  process.onCommand?.(env, { type: 'put', key: 'k', value: 'v', client: 9, seq: 1 });
  const ack = { type: 'AppendEntriesReply', term: 1, success: true, matchIndex: 2 } as const;
  const none = { rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 };
  for (const from of [2, 3]) process.onMessage(env, from, { ...ack, ...none });
  return h;
}
