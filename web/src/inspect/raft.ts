// Inspector fields of Raft (consensus/raft's servers, and election/raft's server inside
// each node): Figure 2's state — currentTerm, role, votedFor, commitIndex, lastApplied, the
// log (committed entries against uncommitted ones) and, on a leader, nextIndex/matchIndex
// for each peer. A client node of consensus/raft shows what it is waiting for. The stage
// draws (raftDrawing) the term inside each server, its log as a row of cells, and clients as
// clients.

import type { Entry } from '../../../src/algorithms/consensus/raft/messages.js';
import type { ClientState, ServerState } from '../../../src/algorithms/consensus/raft/state.js';
import type { InspectorField, LogCell, NodeDrawing } from './types.js';

/** At most this many of the log's last entries are drawn (the rest are counted). */
const LOG_CELLS = 60;

/** Each entry's words, once: entries do not change once logged, and the stage's replay
 * memo draws the log after every step. */
const words = new WeakMap<Entry, string>();

function what(e: Entry): string {
  if (e.kind !== 'command') return e.kind;
  let w = words.get(e);
  if (w === undefined) {
    w = JSON.stringify(e.command).slice(0, 80);
    words.set(e, w);
  }
  return w;
}

function logOf(s: ServerState): { kind: 'log'; cells: LogCell[]; before: number } {
  const entries = s.log.entries.slice(-LOG_CELLS);
  const before = s.log.entries.length - entries.length + s.log.snapshot.index;
  return {
    kind: 'log',
    before,
    cells: entries.map((e) => ({
      index: e.index,
      term: e.term,
      committed: e.index <= s.commitIndex,
      what: what(e),
    })),
  };
}

function serverFields(s: ServerState): InspectorField[] {
  const fields: InspectorField[] = [
    { label: 'term', value: s.term },
    { label: 'role', value: s.role },
    { label: 'votedFor', value: s.votedFor },
    { label: 'leader', value: s.leaderId },
    { label: 'commitIndex', value: s.commitIndex },
    { label: 'lastApplied', value: s.lastApplied },
    { label: 'log', value: logOf(s) },
  ];
  if (s.role === 'leader' && s.progress.size > 0)
    fields.push({
      label: 'peers',
      value: {
        kind: 'table',
        columns: ['peer', 'nextIndex', 'matchIndex', 'state'],
        rows: [...s.progress].map(([peer, p]) => [peer, p.nextIndex, p.matchIndex, p.state]),
      },
    });
  if (s.votes.size > 0 && s.role !== 'leader' && s.role !== 'follower')
    fields.push({
      label: 'votes',
      value: [...s.votes].map(([v, granted]) => `${v}${granted ? '✓' : '✗'}`).join(' '),
    });
  return fields;
}

function clientFields(c: ClientState): InspectorField[] {
  return [
    { label: 'role', value: 'client' },
    { label: 'target', value: c.target },
    { label: 'done', value: c.done },
    { label: 'pending', value: c.pending === null ? null : JSON.stringify(c.pending.op) },
  ];
}

const isServer = (s: object): s is ServerState =>
  'kind' in s && s.kind === 'server' && 'log' in s && 'progress' in s;
const isClient = (s: object): s is ClientState => 'kind' in s && s.kind === 'client';

export function raftFields(state: unknown): readonly InspectorField[] | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  if (isServer(state)) return serverFields(state);
  if (isClient(state)) return clientFields(state);
  return undefined;
}

/** election/raft keeps a Raft server inside each node's election view. */
export function raftElectionFields(state: unknown): readonly InspectorField[] | undefined {
  if (typeof state !== 'object' || state === null || !('server' in state)) return undefined;
  return raftFields(state.server);
}

/** On the stage: a server's term inside it and its log beside it; a client as a client. */
export function raftDrawing(state: unknown): NodeDrawing | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  if (isClient(state)) return { client: true };
  if (!isServer(state)) return undefined;
  const { cells, before } = logOf(state);
  return {
    inside: { text: `T${state.term}`, label: `term ${state.term}` },
    log: { cells, before },
  };
}

export function raftElectionDrawing(state: unknown): NodeDrawing | undefined {
  if (typeof state !== 'object' || state === null || !('server' in state)) return undefined;
  return raftDrawing(state.server);
}
