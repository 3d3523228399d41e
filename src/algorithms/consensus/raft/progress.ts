// The leader's view of each follower (Figure 2's nextIndex/matchIndex) with etcd's flow
// control (raft/tracker/progress.go): a follower is probed with one AppendEntries at a time
// until one succeeds, then replicated with up to `maxInflight` pipelined AppendEntries, and
// sent a snapshot when the entries it needs are compacted away.
//
// A follower whose log went backwards (it lost durable state: a wiped data directory, a cut
// write-ahead log, `cohort node --repair`) is noticed by a heartbeat round (`matchCheck`):
// the leader notes its matchIndex when it sends a round, and a reply to that round or a
// later one that reports a shorter log proves the loss — the follower acknowledged that
// matchIndex before it handled the round, and a follower's log never shrinks below what
// it acknowledged to the leader of its term unless storage lost it. Stale or duplicated
// replies cannot fake this, which is why rejections of AppendEntries (indistinguishable
// from stale ones) are not used as proof. `reset` then trusts nothing of that follower.
//
// Fault model: replies may be lost, duplicated or stale; `maybeDecrTo` ignores rejections
// that do not answer the latest probe, and a heartbeat reply frees one inflight slot so a
// window whose messages were all lost cannot stall forever. A follower may lose durable
// state (detected as above; the README says what that costs).

import { assert } from '../../../core/assert.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  matchIndex = 0;
  nextIndex: number;
  state: ProgressState = 'probe';
  /** probe: an AppendEntries is outstanding; wait for its reply or the next heartbeat. */
  probeSent = false;
  /** replicate: the last index of each AppendEntries in flight, ascending. */
  inflight: number[] = [];
  /** snapshot: the index of the snapshot being installed. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum tick (§6.2, dissertation §9.6). */
  recentActive = true;
  /** The latest ReadIndex/heartbeat round it acknowledged (§6.4). */
  round = 0;
  /** A heartbeat round sent while matchIndex was `matchIndex`, whose answer is awaited. */
  matchCheck: { readonly round: number; readonly matchIndex: number } | null = null;

  constructor(nextIndex: number) {
    this.nextIndex = nextIndex;
  }

  becomeProbe(): void {
    // After a snapshot the follower holds at least the snapshot (etcd does the same).
    const floor = this.state === 'snapshot' ? this.pendingSnapshot : this.matchIndex;
    this.state = 'probe';
    this.nextIndex = Math.max(this.matchIndex, floor) + 1;
    this.probeSent = false;
    this.inflight = [];
    this.pendingSnapshot = 0;
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.nextIndex = this.matchIndex + 1;
    this.probeSent = false;
    this.inflight = [];
  }

  becomeSnapshot(index: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.probeSent = false;
    this.inflight = [];
  }

  /** A successful reply up to `index`; returns whether matchIndex moved. */
  maybeUpdate(index: number): boolean {
    const moved = index > this.matchIndex;
    if (moved) this.matchIndex = index;
    this.nextIndex = Math.max(this.nextIndex, index + 1);
    this.probeSent = false;
    this.inflight = this.inflight.filter((last) => last > index);
    return moved;
  }

  /**
   * A rejection of the AppendEntries whose prevLogIndex was `rejected`; `hint` is where the
   * leader should try next. Returns false when the rejection is stale.
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.matchIndex) return false;
      this.nextIndex = Math.max(this.matchIndex + 1, Math.min(rejected, hint));
      return true;
    }
    if (this.nextIndex - 1 !== rejected) return false;
    this.nextIndex = Math.max(this.matchIndex + 1, Math.min(rejected, hint));
    this.probeSent = false;
    return true;
  }

  isPaused(maxInflight: number): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflight.length >= maxInflight;
      case 'snapshot':
        return true;
    }
  }

  /** Records an AppendEntries carrying entries up to `last` (or none). */
  sent(last: number, entryCount: number): void {
    if (this.state === 'replicate' && entryCount > 0) {
      assert(last >= this.nextIndex, 'replicate sends from nextIndex on');
      this.nextIndex = last + 1;
      this.inflight.push(last);
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /** A heartbeat round goes out: check matchIndex against its answer (one check at a time). */
  heartbeatSent(round: number): void {
    if (this.matchCheck === null && this.matchIndex > 0)
      this.matchCheck = { round, matchIndex: this.matchIndex };
  }

  /**
   * The answer to heartbeat round `round` says the follower's log ends at `lastIndex`:
   * whether it lost entries it had acknowledged (see the header). Rounds before the checked
   * one prove nothing (they may predate the acknowledgement).
   */
  lostEntries(round: number, lastIndex: number): boolean {
    const check = this.matchCheck;
    if (check === null || round < check.round) return false;
    this.matchCheck = null;
    return lastIndex < check.matchIndex;
  }

  /**
   * The follower's log went backwards: nothing it acknowledged is trusted any more, not
   * even the entries it still holds (a cut log may end in a suffix it had since replaced),
   * so matchIndex restarts at 0 and a probe at `nextIndex` (its log end + 1) lets the
   * consistency check find the real match point — or a snapshot, if that is compacted.
   */
  reset(nextIndex: number): void {
    assert(nextIndex >= 1, 'probes start after index 0');
    this.matchIndex = 0;
    this.nextIndex = nextIndex;
    this.state = 'probe';
    this.probeSent = false;
    this.inflight = [];
    this.pendingSnapshot = 0;
    this.matchCheck = null;
  }

  /** A heartbeat reply proves the follower is alive: unblock a stalled probe or window. */
  onHeartbeatReply(maxInflight: number): void {
    this.probeSent = false;
    if (this.inflight.length >= maxInflight) this.inflight.shift();
  }
}
