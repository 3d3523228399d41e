// Dynamic membership on `cohort serve` (issue 16), through etcdctl 3.4 as an operator runs
// it: `member add` on a 3-member cluster, the new member started with the
// --initial-cluster that add printed and --initial-cluster-state existing catches up (it
// serves the earlier keys from its own state, serializably) and shows in `member list`
// with its name; `member update` moves a member's peer URL (every transport re-dials it:
// writes still commit once it listens there); `member remove` takes a member out (it stops
// itself) and the rest go on; etcd's errors for a second unstarted member, an existing peer
// URL and unknown ids (etcdctl refuses bad URLs itself).
//
// Fault model: none injected (membership changes are the events under test; the
// differential against etcd is etcdctl-members-diff.test.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../src/client/connection.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';
import { CohortServer } from './support/cohort-server.js';
import { etcdctl } from './support/etcdctl.js';

/** `member list` as [hex id, name, peer URLs, client URLs] rows. */
async function memberList(endpoint: string): Promise<string[][]> {
  const o = await etcdctl(endpoint, ['member', 'list']);
  expect(o.stderr).toBe('');
  return o.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(', '));
}

describe('cohort serve: members added, updated and removed at runtime', () => {
  let server: CohortServer;

  beforeAll(async () => {
    server = await CohortServer.start({ members: 3 });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('adds a fourth member that catches up, then updates and removes members', async () => {
    const [first] = server.endpoints as [string];
    for (let i = 0; i < 20; i++) {
      const put = await etcdctl(first, ['put', `before/${i}`, `v${i}`]);
      expect(put.stdout).toBe('OK\n');
    }
    const { index, peerUrl } = await server.newMember();
    const add = await etcdctl(first, ['member', 'add', 'm4', `--peer-urls=${peerUrl}`]);
    const addedBy = Date.now();
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^Member +[0-9a-f]+ added to cluster +[0-9a-f]+\n/);
    const initial = /ETCD_INITIAL_CLUSTER="([^"]+)"/.exec(add.stdout)?.[1] as string;
    expect(
      initial
        .split(',')
        .map((m) => m.split('=')[0])
        .sort(),
    ).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(initial).toContain(`m4=${peerUrl}`);
    expect(add.stdout).toContain('ETCD_INITIAL_CLUSTER_STATE="existing"');
    // Unstarted: listed with an empty name and no client URLs, as etcd lists it.
    const unstarted = (await memberList(first)).find((row) => row[3] === peerUrl);
    expect(unstarted?.[1]).toBe('unstarted');
    expect(unstarted?.[2]).toBe('');
    // A second voter cannot be added while one is unstarted (the quorum would depend on it).
    const second = await etcdctl(first, [
      'member',
      'add',
      'm5',
      `--peer-urls=http://127.0.0.1:${await freePort()}`,
    ]);
    expect(second.stderr).toContain('etcdserver: unhealthy cluster');

    await server.startJoining(index, initial);
    const fourth = server.endpoints[index] as string;
    for (const i of [0, 19]) {
      const get = await etcdctl(fourth, ['get', `before/${i}`, '--consistency=s']);
      expect(get.stdout).toBe(`before/${i}\nv${i}\n`);
    }
    await until(async () => (await memberList(first)).some((r) => r[2] === 'm4'), 'm4 named');
    expect(await etcdctl(fourth, ['put', 'from/m4', 'x'])).toMatchObject({ stdout: 'OK\n' });
    expect((await etcdctl(first, ['get', 'from/m4', '--print-value-only'])).stdout).toBe('x\n');

    // Errors as etcd's.
    // An added member's id hashes its peer URLs with the time in whole seconds (etcd's
    // NewMember): the same URLs added again within that second get the same id, and etcd
    // answers "member ID already exist" first. A fast run gets here within the second.
    while (Math.floor(Date.now() / 1000) <= Math.floor(addedBy / 1000)) await sleep(50);
    // etcd's strict check answers "unhealthy cluster" until m1's link to m4 is up.
    let taken = { stderr: '' };
    await until(async () => {
      taken = await etcdctl(first, ['member', 'add', 'dup', `--peer-urls=${peerUrl}`]);
      return !taken.stderr.includes('unhealthy');
    }, 'm1 connected to m4');
    expect(taken.stderr).toContain('etcdserver: Peer URLs already exists');
    const unknown = await etcdctl(first, ['member', 'remove', '1234abcd']);
    expect(unknown.stderr).toContain('etcdserver: member not found');

    // Remove m3: it stops itself; the other three go on.
    const m3 = (await memberList(first)).find((r) => r[2] === 'm3')?.[0] as string;
    const removed = await etcdctl(first, ['member', 'remove', m3]);
    expect(removed.stderr).toBe('');
    expect(removed.stdout).toMatch(
      new RegExp(`^Member +${m3} removed from cluster +[0-9a-f]+\\n$`),
    );
    const m3pid = server.pid(2) as number;
    await until(() => !isAlive(m3pid), 'the removed member to stop');
    await server.stopMember(2);
    expect((await memberList(first)).map((r) => r[2]).sort()).toEqual(['m1', 'm2', 'm4']);
    expect(await etcdctl(fourth, ['put', 'after/remove', 'y'])).toMatchObject({ stdout: 'OK\n' });
    const again = await etcdctl(first, ['member', 'remove', m3]);
    expect(again.stderr).toContain('etcdserver: member not found');

    // Update m4's peer URL to a port nothing listens on: listed so, and m4 is still a voter.
    const m4 = (await memberList(first)).find((r) => r[2] === 'm4')?.[0] as string;
    const m2endpoint = server.endpoints[1] as string;
    const other = (await memberList(first)).find((r) => r[2] === 'm2')?.[3] as string;
    const moved = `http://127.0.0.1:${await freePort()}`;
    const update = await etcdctl(first, ['member', 'update', m4, `--peer-urls=${moved}`]);
    expect(update.stderr).toBe('');
    expect(update.stdout).toMatch(new RegExp(`^Member +${m4} updated in cluster +[0-9a-f]+\\n$`));
    await until(
      async () => (await memberList(m2endpoint)).find((r) => r[0] === m4)?.[3] === moved,
      'the update replicated',
    );
    // m4 no longer hears from the others (nothing listens there); moved back, it does again.
    const back = await etcdctl(first, ['member', 'update', m4, `--peer-urls=${peerUrl}`]);
    expect(back.stderr).toBe('');
    await until(async () => {
      const put = await etcdctl(fourth, ['put', 'after/update', 'z']);
      return put.stdout === 'OK\n';
    }, 'm4 to commit again');
    const clash = await etcdctl(first, ['member', 'update', m4, `--peer-urls=${other}`]);
    expect(clash.stderr).toContain('etcdserver: Peer URLs already exists');
  }, 240_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
