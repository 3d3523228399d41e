// Auto-compaction schedules against a real MVCC machine (writes and compactions applied to
// it), with time moved by hand: periodic mode compacts to the revision sampled one retention
// ago, first after one retention and then every min(retention, 1 h); revision mode keeps the
// last N revisions; only the leader compacts; "already compacted" moves the schedule on.

import { describe, expect, it } from 'vitest';
import { type CompactorHost, PeriodicCompactor, RevisionCompactor } from './compactor.js';
import { EtcdError } from './errors.js';
import { MvccMachine } from './mvcc/index.js';

const b = (s: string) => new Uint8Array(Buffer.from(s));

class Host implements CompactorHost {
  readonly mvcc = MvccMachine.create();
  nowMs = 0;
  leader = true;
  readonly compactions: number[] = [];

  revision(): number {
    return this.mvcc.revision;
  }
  isLeader(): boolean {
    return this.leader;
  }
  now(): number {
    return this.nowMs;
  }
  async compact(revision: number): Promise<unknown> {
    this.compactions.push(revision);
    if (revision <= this.mvcc.compactRevision) throw new EtcdError('compacted');
    return this.mvcc.compact({ revision });
  }
  write(n = 1): void {
    for (let i = 0; i < n; i++) this.mvcc.put({ key: b('k'), value: b(String(i)) });
  }
}

/** Runs `ticks` ticks, `tickMs` apart, writing `perTick` revisions before each. */
async function run(
  host: Host,
  c: PeriodicCompactor | RevisionCompactor,
  ticks: number,
  perTick = 1,
) {
  for (let i = 0; i < ticks; i++) {
    host.write(perTick);
    host.nowMs += c.tickMs;
    await c.tick();
  }
}

describe('auto-compaction', () => {
  it('periodic: after one retention compacts to the revision of one retention ago', async () => {
    const host = new Host();
    const c = new PeriodicCompactor(10_000, host); // 10 s: samples every second
    expect(c.tickMs).toBe(1000);
    await run(host, c, 9);
    expect(host.compactions).toEqual([]);
    await run(host, c, 1); // 10 s since start: compact to the first sample (revision 1)
    expect(host.compactions).toEqual([1]);
    await run(host, c, 10); // to the oldest of the 11 samples kept: revision 10, 11 s ago
    expect(host.compactions).toEqual([1, 10]);
    expect(host.mvcc.compactRevision).toBe(10);
    expect(host.revision()).toBe(21);
  });

  it('periodic with a retention over an hour compacts hourly, keeping the retention', async () => {
    const host = new Host();
    const c = new PeriodicCompactor(3 * 3_600_000, host);
    expect(c.tickMs).toBe(360_000);
    await run(host, c, 30); // 3 h: the first compaction, to the revision at the start
    expect(host.compactions).toEqual([1]);
    await run(host, c, 10); // one hour later: to the oldest of 31 samples (3 h 6 min ago)
    expect(host.compactions).toEqual([1, 10]);
  });

  it('periodic: only the leader compacts, but every member samples', async () => {
    const host = new Host();
    host.leader = false;
    const c = new PeriodicCompactor(10_000, host);
    await run(host, c, 15);
    expect(host.compactions).toEqual([]);
    host.leader = true;
    await run(host, c, 1);
    expect(host.compactions).toEqual([6]); // sampled 10 ticks ago while a follower
  });

  it('periodic: an already compacted revision counts as done', async () => {
    const host = new Host();
    host.write(5);
    host.mvcc.compact({ revision: 6 });
    const c = new PeriodicCompactor(10_000, host);
    await run(host, c, 10, 0);
    expect(host.compactions).toEqual([6]);
    await run(host, c, 1, 0); // done: the next try waits another retention
    expect(host.compactions).toEqual([6]);
  });

  it('revision: keeps the last N revisions, skips a repeat and non-positive targets', async () => {
    const host = new Host();
    const c = new RevisionCompactor(10, host, 1000);
    await run(host, c, 5);
    expect(host.compactions).toEqual([]); // revision 6 − 10 ≤ 0
    await run(host, c, 10);
    expect(host.compactions).toEqual([1, 2, 3, 4, 5, 6]);
    await c.tick(); // nothing written: same target, not proposed again
    expect(host.compactions).toEqual([1, 2, 3, 4, 5, 6]);
    host.leader = false;
    await run(host, c, 3);
    expect(host.compactions.length).toBe(6);
  });
});
