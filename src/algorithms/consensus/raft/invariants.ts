// The Raft paper's Figure 3 properties as checks run after every simulated step:
// Election Safety, Leader Append-Only, Log Matching, Leader Completeness and State Machine
// Safety, and that learners never lead. They read node states and the outputs `leader` (a server won term T), `commit`
// (a leader advanced commitIndex in its term) and `apply` (a server applied an entry), all
// incrementally, so a check costs about what the step changed.
//
// Fault model: checks see every node, up or down; a down node's state is absent and its
// outputs stay in the record.

import type { ClusterView, Invariant, OutputRecord } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { entryId } from './apply.js';
import type { RaftLog } from './log.js';
import type { RaftOutput } from './messages.js';
import type { RaftNodeState, ServerState } from './state.js';

export type { RaftNodeState };

type View = ClusterView<RaftNodeState, RaftOutput>;
type RaftInvariant = Invariant<RaftNodeState, RaftOutput>;

const TERM_SPAN = 2 ** 20;

/** What the outputs so far establish; shared by the checks of one run. */
class Ledger {
  private cursor = 0;
  readonly leaders = new Map<number, NodeId>();
  electionConflict: string | undefined;
  /** index → the applied entry (State Machine Safety makes it unique). */
  readonly applied = new Map<number, { term: number; id: string }>();
  appliedConflict: string | undefined;
  /** Leader commits in order: commitIndex `index` reached in `term`. */
  readonly commits: { index: number; term: number }[] = [];

  sync(view: View): void {
    const outputs: readonly OutputRecord<RaftOutput>[] = view.outputs;
    for (; this.cursor < outputs.length; this.cursor++) {
      const r = outputs[this.cursor] as OutputRecord<RaftOutput>;
      const out = r.output;
      if (out.type === 'leader') this.onLeader(r.node, out.term);
      else if (out.type === 'commit') this.commits.push({ index: out.index, term: out.term });
      else if (out.type === 'apply') this.onApply(r.node, out.index, out.term, out.id);
    }
  }

  private onLeader(node: NodeId, term: number): void {
    const prev = this.leaders.get(term);
    if (prev === undefined) this.leaders.set(term, node);
    else if (prev !== node && this.electionConflict === undefined)
      this.electionConflict = `nodes ${prev} and ${node} both lead term ${term}`;
  }

  private onApply(node: NodeId, index: number, term: number, id: string): void {
    const prev = this.applied.get(index);
    if (prev === undefined) this.applied.set(index, { term, id });
    else if ((prev.term !== term || prev.id !== id) && this.appliedConflict === undefined)
      this.appliedConflict =
        `node ${node} applied (${index}, term ${term}, ${id}) where another applied ` +
        `(term ${prev.term}, ${prev.id})`;
  }

  /** The highest index committed in a term below `term`. */
  committedBefore(term: number): number {
    let best = 0;
    for (const c of this.commits) if (c.term < term) best = Math.max(best, c.index);
    return best;
  }
}

function servers(view: View): { id: NodeId; incarnation: number; s: ServerState }[] {
  const out = [];
  for (const n of view.nodes) {
    if (n.up && n.state?.kind === 'server')
      out.push({ id: n.id, incarnation: n.incarnation, s: n.state });
  }
  return out;
}

function electionSafety(ledger: Ledger): RaftInvariant {
  return {
    name: 'election-safety',
    check(view) {
      ledger.sync(view);
      return ledger.electionConflict;
    },
  };
}

function stateMachineSafety(ledger: Ledger): RaftInvariant {
  return {
    name: 'state-machine-safety',
    check(view) {
      ledger.sync(view);
      return ledger.appliedConflict;
    },
  };
}

interface LeaderMark {
  incarnation: number;
  term: number;
  truncations: number;
  lastIndex: number;
  lastTerm: number;
}

/** A leader never overwrites or deletes entries in its log; it only appends. */
function leaderAppendOnly(): RaftInvariant {
  const marks = new Map<NodeId, LeaderMark>();
  return {
    name: 'leader-append-only',
    check(view) {
      for (const { id, incarnation, s } of servers(view)) {
        if (s.role !== 'leader') {
          marks.delete(id);
          continue;
        }
        const m = marks.get(id);
        if (m !== undefined && m.incarnation === incarnation && m.term === s.term) {
          const kept = s.log.term(m.lastIndex);
          if (s.log.truncations !== m.truncations || s.log.lastIndex < m.lastIndex)
            return `leader ${id} (term ${s.term}) removed entries from its log`;
          if (kept !== undefined && kept !== m.lastTerm)
            return `leader ${id} (term ${s.term}) overwrote entry ${m.lastIndex}`;
        }
        marks.set(id, {
          incarnation,
          term: s.term,
          truncations: s.log.truncations,
          lastIndex: s.log.lastIndex,
          lastTerm: s.log.lastTerm,
        });
      }
      return undefined;
    },
  };
}

interface Seen {
  log: RaftLog;
  upTo: number;
  truncations: number;
  snapshotIndex: number;
}

/**
 * If two logs hold an entry with the same index and term, they are identical up to it.
 * Checked inductively: every (index, term) anywhere has one command and one predecessor term.
 */
function logMatching(): RaftInvariant {
  const entries = new Map<number, { prev: number; id: string }>();
  const seen = new Map<NodeId, Seen>();
  return {
    name: 'log-matching',
    check(view) {
      for (const { id, s } of servers(view)) {
        const log = s.log;
        const last = seen.get(id);
        const same =
          last !== undefined &&
          last.log === log &&
          last.truncations === log.truncations &&
          last.snapshotIndex === log.snapshot.index;
        const from = same ? Math.max(log.firstIndex, last.upTo + 1) : log.firstIndex;
        for (let i = from; i <= log.lastIndex; i++) {
          const e = log.entry(i);
          const prev = log.term(i - 1);
          if (e === undefined || prev === undefined || e.term >= TERM_SPAN) continue;
          const key = i * TERM_SPAN + e.term;
          const rec = entries.get(key);
          const eid = entryId(e);
          if (rec === undefined) entries.set(key, { prev, id: eid });
          else if (rec.prev !== prev || rec.id !== eid)
            return `node ${id}: entry (${i}, term ${e.term}) differs from another log's`;
        }
        seen.set(id, {
          log,
          upTo: log.lastIndex,
          truncations: log.truncations,
          snapshotIndex: log.snapshot.index,
        });
      }
      return undefined;
    },
  };
}

/** An entry committed in term T is in the log of every leader of a term above T. */
function leaderCompleteness(ledger: Ledger): RaftInvariant {
  const checked = new Map<NodeId, string>();
  let commitsSeen = 0;
  const missing = (id: NodeId, log: RaftLog, upTo: number): string | undefined => {
    for (let i = log.firstIndex; i <= upTo; i++) {
      const want = ledger.applied.get(i);
      if (want !== undefined && log.term(i) !== want.term)
        return `leader ${id} lacks committed entry (${i}, term ${want.term})`;
    }
    return undefined;
  };
  return {
    name: 'leader-completeness',
    check(view) {
      ledger.sync(view);
      const leaders = servers(view).filter((n) => n.s.role === 'leader');
      for (const { id, incarnation, s } of leaders) {
        const mark = `${incarnation}/${s.term}`;
        if (checked.get(id) === mark) continue;
        checked.set(id, mark);
        const bad = missing(id, s.log, ledger.committedBefore(s.term));
        if (bad !== undefined) return bad;
      }
      for (; commitsSeen < ledger.commits.length; commitsSeen++) {
        const c = ledger.commits[commitsSeen] as { index: number; term: number };
        for (const { id, s } of leaders) {
          if (s.term <= c.term) continue;
          const bad = missing(id, s.log, c.index);
          if (bad !== undefined) return bad;
        }
      }
      return undefined;
    },
  };
}

/**
 * A learner never leads: it does not campaign, and no configuration makes a leader one (a
 * removed leader steps down before it could be added back). Checked against each server's
 * own latest configuration, the one it acts on (§4.1).
 */
function learnersNeverLead(): RaftInvariant {
  return {
    name: 'learners-never-lead',
    check(view) {
      for (const { id, s } of servers(view)) {
        if (s.role === 'leader' && s.log.learners().includes(id))
          return `node ${id} leads term ${s.term} as a learner`;
      }
      return undefined;
    },
  };
}

export function raftInvariants(): RaftInvariant[] {
  const ledger = new Ledger();
  return [
    electionSafety(ledger),
    leaderAppendOnly(),
    logMatching(),
    leaderCompleteness(ledger),
    stateMachineSafety(ledger),
    learnersNeverLead(),
  ];
}
