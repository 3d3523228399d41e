// Members added and removed under load (issue 16, "Faults": add and remove members under
// load). Three `cohort serve` members; clients put and get through cohort/client, recording
// a Jepsen-style history, and a watcher follows every key, while
//   1. a 4th member is added (`etcdctl member add`) and started from what add printed
//      (--initial-cluster-state existing): it catches up and a client writes through it;
//   2. an original follower is removed (it stops itself);
//   3. the leader is removed (an original member: if the new member leads, leadership is
//      moved to an original one first), so the cluster elects a new leader among the rest.
// Afterwards: the history is linearizable (`cohort check linearizability`'s checker; the
// final reads close it, so no acknowledged write was lost), the watcher saw every revision
// in order exactly once, and the two remaining members list exactly themselves and serve
// linearizable writes and reads each.
//
// Fault model exercised: membership changes (a joining member, a removed follower, a
// removed leader) under concurrent clients that fail over between endpoints; a write whose
// answer was lost is 'info'. etcd's strict reconfiguration check may answer "unhealthy
// cluster" until the members are connected: the change is retried until a deadline.

import { afterEach, describe, expect, it } from 'vitest';
import { type Client, connect } from '../src/client/index.js';
import type { ClientHistoryEvent } from '../src/core/algorithm.js';
import { until } from '../src/runtime/testing/wait.js';
import { CohortServer } from './support/cohort-server.js';
import { type EtcdctlOutcome, etcdctl } from './support/etcdctl.js';
import {
  expectLinearizable,
  followEveryKey,
  leaderIndex,
  moreAcked,
  type Progress,
  workload,
} from './support/fault-history.js';

let server: CohortServer | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.stop();
  server = undefined;
});

async function client(endpoints: readonly string[]): Promise<Client> {
  const c = await connect({ endpoints: [...endpoints] });
  clients.push(c);
  return c;
}

/** An etcdctl membership command, retried while etcd's strict check says "unhealthy". */
async function change(endpoint: string, args: readonly string[]): Promise<EtcdctlOutcome> {
  let o = await etcdctl(endpoint, args);
  await until(
    async () => {
      if (!o.stderr.includes('unhealthy cluster')) return true;
      await new Promise((resolve) => setTimeout(resolve, 500));
      o = await etcdctl(endpoint, args);
      return false;
    },
    `${args.join(' ')}: the cluster to settle`,
  );
  expect(o.stderr).toBe('');
  return o;
}

/** Member `name`'s id as `member list` knows it, in hex (etcdctl's form). */
async function hexId(member: Client, name: string): Promise<string> {
  const { members } = await member.memberList();
  const m = members.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no member ${name} in ${JSON.stringify(members, big)}`);
  return m.id.toString(16);
}

const big = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

function exited(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * Removes member `index` through member `via` (`each`: one client per member, pinned to it:
 * a failover client whose active endpoint died can wait there for good on a call without a
 * deadline, cohort/client connection.ts `ready`); waits until it has stopped itself.
 */
async function removeMember(s: CohortServer, each: readonly Client[], index: number, via: number) {
  const pid = s.pid(index) as number;
  const id = await hexId(each[via] as Client, s.memberName(index));
  await change(s.endpoints[via] as string, ['member', 'remove', id]);
  await until(() => exited(pid), `removed member ${s.memberName(index)} to stop itself`);
  await s.stopMember(index);
}

describe('cohort serve: members added and removed under load', () => {
  it('stays linearizable and keeps watchers whole while a member joins and two leave', async () => {
    const s = await CohortServer.start({ members: 3 });
    server = s;
    const originals = s.endpoints;
    // One client per member, for Status (who leads).
    const each = await Promise.all(originals.map((e) => client([e])));
    const follower = followEveryKey(await client(originals));
    const history: ClientHistoryEvent[] = [];
    const progress: Progress = { acked: 0 };
    let stop = false;
    const workers: Promise<void>[] = [];
    const work = async (processId: number, endpoints: readonly string[]) => {
      workers.push(workload(await client(endpoints), processId, history, progress, () => stop));
    };
    for (const [i, p] of [101, 102, 103].entries())
      await work(p, [...originals.slice(i), ...originals.slice(0, i)]);
    await moreAcked(progress, 'before any change');

    // 1. A fourth member joins and takes clients.
    const { index: four, peerUrl } = await s.newMember();
    const add = await change(originals[0] as string, [
      ...['member', 'add', s.memberName(four), `--peer-urls=${peerUrl}`],
    ]);
    const initial = /ETCD_INITIAL_CLUSTER="([^"]+)"/.exec(add.stdout)?.[1] as string;
    await s.startJoining(four, initial);
    const fourth = s.endpoints[four] as string;
    each.push(await client([fourth]));
    await work(104, [fourth, ...originals]);
    // A second watcher, served by the new member (it stays): history replayed from its copy.
    const joinedFollower = followEveryKey(await client([fourth, ...originals]));
    await moreAcked(progress, 'with the fourth member joined');

    // 2. An original follower leaves.
    const leader = await leaderIndex(each);
    const gone = [0, 1, 2].find((i) => i !== leader) as number;
    await removeMember(s, each, gone, leader);
    await moreAcked(progress, 'with a follower removed');

    // 3. The leader leaves (an original member: leadership is moved off the new one).
    let second = await leaderIndex(each, gone);
    if (second === four) {
      const target = [0, 1, 2].find((i) => i !== gone) as number;
      const id = await hexId(each[four] as Client, s.memberName(target));
      await change(fourth, ['move-leader', id]);
      second = await leaderIndex(each, gone);
    }
    expect(second).not.toBe(four);
    const via = [0, 1, 2, four].find((i) => i !== gone && i !== second) as number;
    await removeMember(s, each, second, via);
    await moreAcked(progress, 'with the leader removed');

    stop = true;
    await Promise.all(workers);
    const remaining = [0, 1, 2, four].filter((i) => i !== gone && i !== second);
    const left = await client(remaining.map((i) => s.endpoints[i] as string));
    await expectLinearizable(left, history);
    const last = (await left.get('x')).header.revision;
    await follower.check(last);
    await joinedFollower.check(last);

    // The two left list exactly themselves, and each serves linearizable writes and reads.
    const { members } = await left.memberList();
    const names = remaining.map((i) => s.memberName(i)).sort();
    expect(members.map((m) => m.name).sort()).toEqual(names);
    for (const i of remaining) {
      const c = await client([s.endpoints[i] as string]);
      await c.put(`served/${i}`, 'yes');
      const other = await client(
        remaining.filter((j) => j !== i).map((j) => s.endpoints[j] as string),
      );
      expect((await other.get(`served/${i}`)).kvs[0]?.valueString()).toBe('yes');
    }
  }, 150_000);
});
