// Cohort's server under real network partitions (issue 16, "Faults": partition a member away
// and heal it). Three `cohort serve` members reach each other only through
// test/support/peer-proxy.ts, which cuts links between running processes (no SIGSTOP: every
// member keeps running and talks to whoever it still reaches). Clients write and read
// through the client ports and a watcher follows every key throughout:
// (a) the leader is cut off from both followers: a new leader is elected on the majority
//     side; the old one acknowledges no write sent to it after that, and its linearizable
//     reads are never stale (they fail, or return what the history allows); a lease that
//     expires meanwhile deletes its key on the majority side; healed, the old leader is a
//     follower and catches up;
// (b) a follower is cut off and healed: it catches up;
// (c) asymmetric: the leader's messages reach the followers but theirs do not reach it.
//     Raft's check-quorum (raft.ts: a leader that has not heard from a quorum for an
//     election timeout steps down) and pre-vote's leader lease make the followers elect a
//     new leader once the old one stops heartbeating.
// Afterwards: the history is linearizable (`cohort check linearizability`'s checker: no
// acknowledged write lost or reordered), the watcher saw every revision in order exactly
// once, and the expired lease's key is gone on every member.
//
// Fault model exercised: partitions (symmetric and one-way) between live members; clients
// that fail over between endpoints. Deadlines (`until`) only turn a hang into a failure.

import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../src/client/index.js';
import { until } from '../src/runtime/testing/wait.js';
import { CohortServer } from './support/cohort-server.js';
import { leaderIndex, moreAcked, recordOne, startLoad } from './support/fault-history.js';
import { PeerProxy } from './support/peer-proxy.js';

const MEMBERS = 3;
/** The history's process id for the client pinned to the partitioned old leader. */
const PINNED = 201;

let server: CohortServer | undefined;
let proxy: PeerProxy | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.stop();
  await proxy?.close();
  server = undefined;
  proxy = undefined;
});

/** Writes a marker through `admin` and waits until member `index` has applied it. */
async function caughtUp(admin: Client, member: Client, marker: string): Promise<void> {
  await admin.put('marker', marker);
  await until(async () => {
    const r = await member.get('marker', { serializable: true, timeoutMs: 1000 }).catch(() => {});
    return r?.kvs[0]?.valueString() === marker;
  }, `member caught up to ${marker}`);
}

/** Whether member `member` follows a leader that is not itself. */
async function follows(member: Client): Promise<boolean> {
  const s = await member.status({ timeoutMs: 1000 }).catch(() => undefined);
  return s !== undefined && s.leader !== 0n && s.leader !== s.header.memberId;
}

describe('cohort serve under network partitions', () => {
  it('stays linearizable and keeps watchers whole through partitions and heals', async () => {
    const p = new PeerProxy();
    proxy = p;
    server = await CohortServer.start({
      members: MEMBERS,
      peerFront: (i, port) => p.front(i, port),
    });
    const endpoints = server.endpoints;
    const { admin, each, follower, history, progress, finish } = await startLoad(
      endpoints,
      clients,
    );
    await moreAcked(progress, 'before any fault');

    // (a) The leader, cut off from both followers, with a lease that expires meanwhile.
    const old = await leaderIndex(each);
    const lease = await admin.grant(2);
    await admin.put('leased', 'v', { lease });
    p.isolate(old, MEMBERS);
    const next = await leaderIndex(each, old);
    expect(next).not.toBe(old);
    // A client pinned to the old leader: every write it sends from now on must fail (none
    // acknowledged), every linearizable read fail or return what the history allows.
    const pinnedFrom = history.length;
    for (let i = 0; i < 3; i++) {
      await recordOne(
        each[old] as Client,
        PINNED,
        history,
        { key: 'x', write: true, value: `p${i}` },
        2000,
      );
      await recordOne(
        each[old] as Client,
        PINNED,
        history,
        { key: 'x', write: false, value: '' },
        2000,
      );
    }
    const pinned = history.slice(pinnedFrom).filter((e) => e.process === PINNED);
    expect(pinned.filter((e) => e.f === 'write' && e.type === 'ok')).toEqual([]);
    await moreAcked(progress, 'with the old leader cut off');
    await until(async () => (await admin.get('leased')).kvs.length === 0, 'the lease expired');
    p.heal();
    await until(() => follows(each[old] as Client), 'the old leader to follow');
    await caughtUp(admin, each[old] as Client, 'after (a)');
    await moreAcked(progress, 'after the first heal');

    // (b) A follower cut off, then healed.
    const leader = await leaderIndex(each);
    const cut = (leader + 1) % MEMBERS;
    p.isolate(cut, MEMBERS);
    await moreAcked(progress, 'with a follower cut off');
    p.heal();
    await caughtUp(admin, each[cut] as Client, 'after (b)');

    // (c) Asymmetric: the leader sends, but hears nothing back.
    const deaf = await leaderIndex(each);
    for (let f = 0; f < MEMBERS; f++) if (f !== deaf) p.block(f, deaf);
    expect(await leaderIndex(each, deaf)).not.toBe(deaf);
    await moreAcked(progress, 'with the leader deaf');
    p.heal();
    await until(() => follows(each[deaf] as Client), 'the deaf leader to follow');
    await caughtUp(admin, each[deaf] as Client, 'after (c)');
    await moreAcked(progress, 'after the last heal');

    // The proxy did cut: connections destroyed, redials refused.
    expect(p.counters.cut).toBeGreaterThan(0);
    expect(p.counters.refused).toBeGreaterThan(0);
    await finish();
    // The expired lease's key is gone everywhere, its deletion seen by the watcher.
    for (const c of each) expect((await c.get('leased', { serializable: true })).kvs).toEqual([]);
    expect(follower.seen.filter((e) => e.kv.keyString() === 'leased').map((e) => e.type)).toEqual([
      'PUT',
      'DELETE',
    ]);
  }, 150_000);
});
