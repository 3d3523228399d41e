// ZAB's use of election/zab-fle (phases 0 and 1): the election's handlers run on this
// server's own state (state.ts: one flat object) through a step whose config adds the
// history's last zxid; after every step ZAB looks at the election's role and term and, when
// they changed, starts over: a new leader synchronizes its learners (phase 2), a new learner
// asks its leader for the history, a server back to LOOKING waits. ZAB tells the election
// when a learner has synchronized, so that only then its currentEpoch moves (epochOnSync).

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import type { FleMessage } from '../../election/zab-fle/messages.js';
import type { FleStep } from '../../election/zab-fle/state.js';
import { type FleTimer, fleDefinition } from '../../election/zab-fle/zab-fle.js';
import { maybeEstablish } from './leader.js';
import { fleConfigOf, lastZxid, type X } from './state.js';

/** The election's view of this step: the same state and Env, the election's config. */
export function fleStep(x: X): FleStep {
  return { s: x.s, env: x.env, c: fleConfigOf(x.c, x.s) };
}

type FleHandler = (x: FleStep, from: NodeId, m: FleMessage) => void;

/** Runs the election's handler for one of its messages. */
export function electionMessage(x: X, from: NodeId, m: FleMessage): void {
  (fleDefinition.onMessage[m.type] as FleHandler)(fleStep(x), from, m);
}

/** Runs the election's handler for one of its timers. */
export function electionTimer(x: X, name: FleTimer): void {
  fleDefinition.onTimer[name](fleStep(x));
}

/** This learner now holds its leader's history: the election may take the epoch as current. */
export function electionSynced(x: X, epoch: number): void {
  const onCommand = fleDefinition.onCommand;
  assert(onCommand !== undefined, 'the election takes the synced notice as a command');
  onCommand(fleStep(x), { type: 'synced', epoch });
}

/** A learner asks its leader for the history (phase 2). */
export function requestSync({ s, env }: X): void {
  assert(s.leader !== null, 'a learner has a leader to sync with');
  env.send(s.leader, { type: 'SyncRequest', epoch: s.epoch, lastZxid: lastZxid(s) });
}

/** After every step: react when the election made us a leader, a learner, or neither. */
export function followElection(x: X): void {
  const { s, env } = x;
  const { role, term } = s;
  if (role === s.seen.role && term === s.seen.term) return;
  s.seen = { role, term };
  s.learners = {};
  s.ackedAtTick = {};
  s.early.clear();
  s.committed = s.delivered;
  if (role === 'leader') {
    s.phase = 'sync';
    s.epoch = term;
    s.counter = 0;
    s.learners = { [env.id]: lastZxid(s) };
    maybeEstablish(x);
  } else if (role === 'follower' || role === 'observer') {
    s.phase = 'sync';
    s.epoch = term;
    requestSync(x);
  } else {
    s.phase = 'election';
    s.epoch = 0;
  }
}
