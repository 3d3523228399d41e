// The leader's view of each follower (Figure 2's nextIndex/matchIndex) with etcd's flow
// control (raft/tracker/progress.go): a follower is probed with one AppendEntries at a time
// until one succeeds, then replicated with up to `maxInflight` pipelined AppendEntries, and
// sent a snapshot when the entries it needs are compacted away.
//
// Fault model: replies may be lost, duplicated or stale; `maybeDecrTo` ignores rejections
// that do not answer the latest probe, and a heartbeat reply frees one inflight slot so a
// window whose messages were all lost cannot stall forever.

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

  /** A heartbeat reply proves the follower is alive: unblock a stalled probe or window. */
  onHeartbeatReply(maxInflight: number): void {
    this.probeSent = false;
    if (this.inflight.length >= maxInflight) this.inflight.shift();
  }
}
