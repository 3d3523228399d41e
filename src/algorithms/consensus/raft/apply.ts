// Applying committed entries in log order (Figure 2, "Rules for Servers": if commitIndex >
// lastApplied, apply log[lastApplied]), answering the clients a leader owes, and log
// compaction (§7): once `snapshotEntries` applied entries follow the last snapshot, the state
// machine and client sessions become the new snapshot and the entries it covers are dropped.
//
// Fault model: crash-recovery; a restarted server re-applies from its snapshot.

import { assert } from '../../../core/assert.js';
import type { Outcome } from '../../replicated-kv/session-machine.js';
import type { ClientReplyBody } from './client-api.js';
import type { Entry } from './messages.js';
import { serveReads } from './read-index.js';
import { answer, type Server, waitingKey } from './state.js';

/** A stable identity of an entry's command, for checkers: `client:seq`, or the kind. */
export function entryId(e: Entry): string {
  if (e.kind === 'command') return `${e.command.client}:${e.command.seq}`;
  if (e.kind === 'config') {
    const learners = e.learners?.length ? `+${e.learners.join(',')}` : '';
    return `${e.client}:${e.seq}:config:${e.voters.join(',')}${learners}`;
  }
  return 'noop';
}

export function applyCommitted(x: Server): void {
  const { s, env } = x;
  assert(s.commitIndex <= s.log.lastIndex, 'commit never passes the log');
  while (s.lastApplied < s.commitIndex) {
    const index = s.lastApplied + 1;
    const e = s.log.entry(index);
    assert(e !== undefined, 'committed entries after the snapshot are in memory');
    const outcome = applyEntry(x, e);
    s.lastApplied = index;
    const applied = { type: 'apply', index, term: e.term, id: entryId(e) } as const;
    // A host that watches the machine (the server's watchers) hears what each command did.
    if (x.c.machine.reportsApplied === true && outcome?.kind === 'applied')
      env.output({ ...applied, result: outcome.result.value });
    else env.output(applied);
    const owed = s.waiters.get(index);
    if (owed !== undefined) {
      s.waiters.delete(index);
      for (const w of owed) {
        s.waiting.delete(waitingKey(w.client, w.seq));
        const reply = replyFor(w.client, w.seq, outcome);
        if (reply !== undefined) answer(x, w, reply);
      }
    }
  }
  if (s.role === 'leader') serveReads(x);
  maybeCompact(x);
}

function applyEntry(x: Server, e: Entry): Outcome | undefined {
  const { s } = x;
  switch (e.kind) {
    case 'noop':
      return undefined;
    case 'command':
      return s.kv.apply(e.command.client, e.command.seq, e.command, e.atMs);
    case 'config':
      return s.kv.record(e.client, e.seq, { ok: true, value: null });
  }
}

/** The answer a client gets for its (client, seq) given how the entry was applied. */
export function replyFor(
  client: number,
  seq: number,
  outcome: Outcome | undefined,
): ClientReplyBody<unknown> | undefined {
  if (outcome === undefined || outcome.kind === 'stale') return undefined;
  if (outcome.kind === 'expired') return { client, seq, ok: false, reason: 'session-expired' };
  const { ok, value } = outcome.result;
  if (ok) return { client, seq, ok: true, value };
  return { client, seq, ok: false, value, reason: 'cas-mismatch' };
}

function maybeCompact(x: Server): void {
  const { s, c } = x;
  if (c.snapshotEntries === 0) return;
  if (s.lastApplied - s.log.snapshot.index < c.snapshotEntries) return;
  const term = s.log.term(s.lastApplied);
  assert(term !== undefined, 'the applied entry is in memory');
  const { voters, learners } = s.log.configAt(s.lastApplied);
  s.log.compact({
    index: s.lastApplied,
    term,
    voters,
    ...(learners.length > 0 && { learners }),
    kv: s.kv.snapshot(),
  });
}
