// The backend quota's NOSPACE alarm and auto-compaction through etcdctl 3.4, differentially
// against a real etcd 3.4: both servers start with --quota-backend-bytes 1 MB, are filled
// with 100 KB values until a put is refused, and then the same script must print the same on
// both — the alarm listed, writes that add data refused (put, txn with a put, lease grant)
// while reads, deletes and a delete-only txn work, Status `errors` naming the alarm, disarm,
// the alarm raised again by the next put that does not fit, and after deleting, compacting,
// defragmenting and disarming, writes accepted again. Masked: member ids, ports, and the
// counts that depend on where each server's size crossed the quota (etcd measures its bolt
// file, Cohort the bytes its MVCC store retains: src/server/space-quota.ts).
// The alarm survives a crash (SIGKILL) and restart, and makes /health say false. Then --auto-compaction-retention 1s: both
// compact by themselves (an old revision becomes "compacted").
//
// Fault model: none injected — this is the conformance check of the quota and compactor.

import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { etcdctl } from './support/etcdctl.js';

const QUOTA = ['--quota-backend-bytes', String(1_000_000)];
const BIG = 'x'.repeat(100_000);

interface Step {
  /** The arguments; a function of the server's current revision when they need it. */
  readonly args: readonly string[] | ((revision: number) => readonly string[]);
  readonly stdin?: string;
  /** What of stdout to compare (default: all of it). */
  readonly view?: (stdout: string) => string;
}

/** Status `errors` (etcdctl omits the field when there are none). */
const statusErrors = (stdout: string) =>
  JSON.stringify(
    (JSON.parse(stdout) as { Status: { errors?: string[] } }[])[0]?.Status.errors ?? '(none)',
  );

const SCRIPT: readonly Step[] = [
  { args: ['alarm', 'list'] },
  { args: ['put', 'a', 'b'] },
  { args: ['get', 'k1', '--keys-only'] },
  { args: ['del', 'k1'] },
  { args: ['txn'], stdin: '\n\nput t 1\n\n' },
  { args: ['txn'], stdin: '\n\ndel k2\n\n' },
  { args: ['lease', 'grant', '10'] },
  { args: ['compact', '1'] },
  { args: ['endpoint', 'status', '-w', 'json'], view: statusErrors },
  { args: ['alarm', 'disarm'] },
  { args: ['alarm', 'list'] },
  { args: ['endpoint', 'status', '-w', 'json'], view: statusErrors },
  { args: ['put', 'big', BIG] },
  { args: ['alarm', 'list'] },
  { args: ['del', 'k', '--prefix'] },
  { args: (revision) => ['compact', String(revision)] },
  { args: ['defrag'] },
  { args: ['alarm', 'disarm'] },
  { args: ['put', 'big', BIG] },
  { args: ['alarm', 'list'] },
  { args: ['endpoint', 'status', '-w', 'json'], view: statusErrors },
];

/** Masks what two servers cannot share (ids, ports, fill-dependent counts). */
function mask(text: string): string {
  return text
    .replace(/memberID:\d+/g, 'memberID:<id>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/compact(ed revision)? \d+/g, 'compact$1 <n>')
    .replace(/^\d+$/gm, '<count>');
}

async function revisionOf(endpoints: string): Promise<number> {
  const o = await etcdctl(endpoints, ['endpoint', 'status', '-w', 'json']);
  const [s] = JSON.parse(o.stdout) as { Status: { header: { revision: number } } }[];
  return s?.Status.header.revision ?? 0;
}

/** Puts 100 KB values until one is refused; how many went in. */
async function fill(endpoints: string): Promise<number> {
  for (let i = 1; i <= 40; i++) {
    const o = await etcdctl(endpoints, ['put', `k${i}`, BIG]);
    if (o.code !== 0) {
      expect(o.stderr).toBe('Error: etcdserver: mvcc: database space exceeded');
      return i - 1;
    }
  }
  throw new Error('40 puts of 100 KB fit in a 1 MB quota');
}

async function run(server: ApiServer): Promise<{ filled: number; lines: string[] }> {
  const endpoints = server.endpoints.join(',');
  const filled = await fill(endpoints);
  const lines: string[] = [];
  for (const step of SCRIPT) {
    const args =
      typeof step.args === 'function' ? step.args(await revisionOf(endpoints)) : step.args;
    const o = await etcdctl(endpoints, args, step.stdin);
    const stdout = o.code === 0 && step.view !== undefined ? step.view(o.stdout) : o.stdout;
    const shown = args.map((a) => (a === BIG ? '<100 KB>' : a)).join(' ');
    lines.push(mask(`$ etcdctl ${shown}\n${stdout}${o.stderr}\n[exit ${o.code}]`));
  }
  return { filled, lines };
}

describe('NOSPACE through etcdctl against real etcd and Cohort', () => {
  const results = new Map<string, { filled: number; lines: string[] }>();
  const servers: ApiServer[] = [];

  beforeAll(async () => {
    for (const kind of API_SERVERS) {
      const server = await kind.start({ args: QUOTA });
      servers.push(server);
      results.set(kind.kind, await run(server));
    }
    // To read both: QUOTA_DIFF_DUMP=/tmp/quota npx vitest run test/server-quota.test.ts
    const dump = process.env.QUOTA_DIFF_DUMP;
    if (dump !== undefined)
      for (const [kind, r] of results) writeFileSync(`${dump}.${kind}.txt`, r.lines.join('\n'));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  // etcd counts its bolt file's size, which grows in steps that depend on how its batched
  // commits fell (10 to 13 puts of 100 KB seen); Cohort counts the bytes it retains.
  it('refuses a put once about 1 MB is stored on both', () => {
    const limits = { etcd: [5, 15], cohort: [5, 10] } as const;
    for (const [kind, [least, most]] of Object.entries(limits)) {
      const filled = results.get(kind)?.filled ?? 0;
      expect(filled, kind).toBeGreaterThanOrEqual(least);
      expect(filled, kind).toBeLessThanOrEqual(most);
    }
  });

  it.each(SCRIPT.map((s, i) => [i, typeof s.args === 'function' ? 'compact <rev>' : s.args[0]]))(
    'step %i (%s) prints the same',
    (i) => {
      const etcd = results.get('etcd')?.lines[i];
      expect(etcd).toBeDefined();
      expect(results.get('cohort')?.lines[i]).toBe(etcd);
    },
  );
});

describe.each(API_SERVERS)('NOSPACE across a restart of $kind', ({ start }) => {
  let server: ApiServer;

  beforeAll(async () => {
    server = await start({ args: QUOTA });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('is still raised after a crash, and still refuses writes', async () => {
    const endpoints = server.endpoints.join(',');
    await fill(endpoints);
    await server.restartMember(0, 'SIGKILL');
    const list = await etcdctl(endpoints, ['alarm', 'list']);
    expect(mask(list.stdout)).toBe('memberID:<id> alarm:NOSPACE \n');
    const put = await etcdctl(endpoints, ['put', 'a', 'b']);
    expect(put.stderr).toBe('Error: etcdserver: mvcc: database space exceeded');
    // /health reports the alarm unless told to leave NOSPACE out.
    const health = async (query: string) => {
      const r = await fetch(`http://${server.endpoints[0]}/health${query}`);
      return [r.status, ((await r.json()) as { health: string }).health];
    };
    expect(await health('')).toEqual([503, 'false']);
    expect(await health('?exclude=NOSPACE')).toEqual([200, 'true']);
  }, 120_000);
});

describe.each(API_SERVERS)('auto-compaction on $kind', ({ start }) => {
  let server: ApiServer;

  beforeAll(async () => {
    server = await start({ args: ['--auto-compaction-retention', '1s'] });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('compacts old revisions by itself (periodic, 1 s)', async () => {
    const endpoints = server.endpoints.join(',');
    for (const v of ['1', '2', '3'])
      expect((await etcdctl(endpoints, ['put', 'x', v])).code).toBe(0);
    expect((await etcdctl(endpoints, ['get', 'x', '--rev', '2'])).stdout).toBe('x\n1\n');
    await until(async () => {
      const o = await etcdctl(endpoints, ['get', 'x', '--rev', '2']);
      return o.stderr === 'Error: etcdserver: mvcc: required revision has been compacted';
    }, 'revision 2 to be compacted');
    expect((await etcdctl(endpoints, ['get', 'x', '--print-value-only'])).stdout).toBe('3\n');
  }, 60_000);
});
