// Cluster views and leadership transfer on 3 members, through etcdctl 3.4 and gRPC, each
// case run against a real etcd 3.4 and `cohort serve` with the same expectations: every
// member's `member list` names every member's client URL (members publish their attributes
// through Raft); `move-leader` to a follower prints etcd's line and returns once the target
// leads (every member then says so); a non-member target is etcd's "bad leader transferee";
// etcdctl given only a follower finds no leader; MoveLeader sent to a follower directly is
// "etcdserver: not leader" (FAILED_PRECONDITION); writes go on under the new leader; a
// frozen target never takes over and the call ends at the client's deadline; a member left
// alone reports "etcdserver: no leader" in Status errors.
//
// Fault model: none injected (a leadership change is the event under test).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { etcdctl } from './support/etcdctl.js';
import { RecipeRpc } from './support/recipe-rpc.js';

/** Each endpoint's member id and the leader it names, as hex (etcdctl parses ids as JSON
 * numbers, so they are read from the raw text to keep all 64 bits). */
async function statuses(endpoints: string[]): Promise<{ id: string; leader: string }[]> {
  const o = await etcdctl(endpoints.join(','), ['endpoint', 'status', '-w', 'json']);
  expect(o.code).toBe(0);
  const ids = [...o.stdout.matchAll(/"member_id":(\d+).*?"leader":(\d+)/g)];
  expect(ids.length).toBe(endpoints.length);
  return ids.map((m) => ({
    id: BigInt(m[1] as string).toString(16),
    leader: BigInt(m[2] as string).toString(16),
  }));
}

/** Whether every member answers Status and `agree` holds of the answers (retried by `until`). */
async function eventually(
  endpoints: string[],
  agree: (s: { id: string; leader: string }[]) => boolean,
): Promise<boolean> {
  try {
    return agree(await statuses(endpoints));
  } catch {
    return false; // A member just thawed or elected may not answer yet.
  }
}

describe.each(API_SERVERS)('3 members of $kind', ({ start }) => {
  let server: ApiServer;

  beforeAll(async () => {
    server = await start({ members: 3 });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("lists every member's client URLs on every member", async () => {
    const status = await statuses(server.endpoints);
    for (const endpoint of server.endpoints) {
      // A member's publish applies on the others shortly after it starts.
      let lines: string[] = [];
      await until(async () => {
        const o = await etcdctl(endpoint, ['member', 'list']);
        lines = o.stdout.split('\n').filter((l) => l !== '');
        return lines.every((l) => /, http:\/\/127\.0\.0\.1:\d+, false$/.test(l));
      }, 'every member to show its client URL');
      const expected = server.endpoints.map((ep, i) => {
        const id = status[i]?.id;
        return `${id}, started, m${i + 1}, http://127.0.0.1:<peer>, http://${ep}, false`;
      });
      const masked = lines.map((l) =>
        l.replace(/(, http:\/\/127\.0\.0\.1:)\d+(, http)/, '$1<peer>$2'),
      );
      expect([...masked].sort()).toEqual([...expected].sort());
    }
  });

  it('moves leadership to a follower and says so as etcd does', async () => {
    const before = await statuses(server.endpoints);
    const leader = before[0]?.leader as string;
    const target = before.find((s) => s.id !== leader)?.id as string;
    const o = await etcdctl(server.endpoints.join(','), ['move-leader', target]);
    expect(o).toEqual({
      code: 0,
      stdout: `Leadership transferred from ${leader} to ${target}\n`,
      stderr: '',
    });
    await until(
      () => eventually(server.endpoints, (now) => now.every((s) => s.leader === target)),
      'every member to follow the new leader',
    );
    const put = await etcdctl(server.endpoints.join(','), ['put', 'after', 'transfer']);
    expect(put.stdout).toBe('OK\n');
  });

  it('gives up on a target that cannot take over (frozen) at the deadline', async () => {
    const status = await statuses(server.endpoints);
    const leader = status[0]?.leader as string;
    const l = status.findIndex((s) => s.id === leader);
    const t = status.findIndex((s) => s.id !== leader);
    server.pauseMember(t);
    try {
      const o = await etcdctl(server.endpoints[l] as string, [
        'move-leader',
        status[t]?.id as string,
      ]);
      // etcd waits for the target until the client's deadline (etcdctl's 5 s) runs out — or,
      // on a busy machine, until its own transfer timeout fires first: both are etcd's answer.
      expect({ code: o.code, stdout: o.stdout }).toEqual({ code: 1, stdout: '' });
      expect([
        'Error: context deadline exceeded',
        'Error: rpc error: code = Unknown desc = etcdserver: request timed out, leader transfer took too long',
      ]).toContain(o.stderr);
    } finally {
      server.resumeMember(t);
    }
    await until(
      () =>
        eventually(server.endpoints, (now) =>
          now.every((s) => s.leader === now[0]?.leader && s.leader !== '0'),
        ),
      'one leader again',
    );
  });

  it("answers etcd's errors: a bad transferee, no leader endpoint, a follower", async () => {
    const status = await statuses(server.endpoints);
    const leader = status[0]?.leader as string;
    const bad = await etcdctl(server.endpoints.join(','), ['move-leader', 'abc']);
    expect(bad).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: etcdserver: bad leader transferee',
    });
    const i = status.findIndex((s) => s.id !== leader);
    const follower = server.endpoints[i] as string;
    const alone = await etcdctl(follower, ['move-leader', leader]);
    expect(alone).toEqual({
      code: 128,
      stdout: '',
      stderr: `Error: no leader endpoint given at [${follower}]`,
    });
    const rpc = new RecipeRpc(follower);
    try {
      const failure = await rpc.failure(rpc.maintenance, 'moveLeader', {
        targetID: BigInt(`0x${leader}`).toString(),
      });
      expect(failure).toEqual({ code: 9, details: 'etcdserver: not leader' });
    } finally {
      rpc.close();
    }
  });

  it('reports "etcdserver: no leader" in Status errors once a lone member has no leader', async () => {
    await server.stopMember(1);
    await server.stopMember(2);
    const lone = server.endpoints[0] as string;
    let last = '';
    await until(async () => {
      const o = await etcdctl(lone, ['endpoint', 'status', '-w', 'json']);
      last = o.stdout;
      return o.stdout.includes('"errors":["etcdserver: no leader"]');
    }, 'the lone member to report no leader');
    expect(last).not.toMatch(/"leader":/); // 0, which etcdctl's JSON leaves out
  });
});
