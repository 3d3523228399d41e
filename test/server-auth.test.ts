// etcd's auth through etcdctl 3.4, differentially: the same script of user, role and auth
// commands, and KV/lease/watch/maintenance requests made as users with and without the
// permissions they need, runs against a fresh real etcd and a fresh `cohort serve`; each
// step must print the same (stdout, the last stderr line, the exit code), revisions in -w
// json headers included. Only member/cluster ids, raft terms and ports are masked.
// Then, on 3 members of each: a token issued by one member is good on the others, and
// changing the user's password revokes it everywhere.
//
// Fault model: none injected — this is the conformance check of the Auth service.

import { credentials, Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { etcdServices } from '../src/server/proto.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { describeTranscripts, etcdctl } from './support/etcdctl.js';

interface Step {
  readonly args: readonly string[];
  readonly stdin?: string;
  readonly timeoutMs?: number;
}

const as = (user: string, ...args: string[]): Step => ({ args: ['--user', user, ...args] });
const ROOT = 'root:secret';
const ALICE = 'alice:pw';

const SCRIPT: readonly Step[] = [
  // Auth disabled: anyone may manage users and roles.
  { args: ['put', 'foo', 'before'] },
  { args: ['user', 'add', ROOT] },
  { args: ['user', 'add', 'root:again'] },
  { args: ['user', 'add', ALICE] },
  { args: ['user', 'add', 'nopw', '--no-password'] },
  { args: ['role', 'add', ''] },
  { args: ['role', 'add', 'reader'] },
  { args: ['role', 'add', 'reader'] },
  { args: ['role', 'grant-permission', 'reader', 'read', 'foo'] },
  { args: ['role', 'grant-permission', 'reader', 'readwrite', 'pre', '--prefix=true'] },
  { args: ['role', 'grant-permission', 'reader', 'write', 'a', 'z'] },
  { args: ['role', 'grant-permission', 'reader', 'read', 'w', '--from-key=true'] },
  { args: ['role', 'grant-permission', 'ghost', 'read', 'foo'] },
  { args: ['role', 'get', 'reader'] },
  { args: ['role', 'get', 'reader', '-w', 'json'] },
  { args: ['role', 'get', 'ghost'] },
  { args: ['user', 'grant-role', 'alice', 'reader'] },
  { args: ['user', 'grant-role', 'alice', 'reader'] },
  { args: ['user', 'grant-role', 'alice', 'ghost'] },
  { args: ['user', 'grant-role', 'ghost', 'reader'] },
  { args: ['user', 'get', 'alice'] },
  { args: ['user', 'get', 'alice', '--detail'] },
  { args: ['user', 'get', 'ghost'] },
  { args: ['user', 'list'] },
  { args: ['user', 'list', '-w', 'json'] },
  { args: ['role', 'list'] },
  // etcdctl adds the root role and grants it to root when auth enable asks for it.
  { args: ['auth', 'enable'] },
  // Auth enabled.
  { args: ['role', 'list'] },
  { args: ['get', 'foo'] },
  as(ROOT, 'role', 'list'),
  as(ROOT, 'user', 'get', 'root'),
  as(ALICE, 'get', 'foo'),
  as(ALICE, 'put', 'foo', '1'),
  as(ALICE, 'put', 'pre/x', '1'),
  as(ALICE, 'get', 'pre', '--prefix'),
  as(ALICE, 'put', 'zz', '1'),
  as(ALICE, 'get', 'zz'),
  as(ALICE, 'get', 'w', '--from-key'),
  as(ALICE, 'get', 'v', '--from-key'),
  as(ALICE, 'get', 'foo', '--prefix'),
  as(ALICE, 'del', 'pre/x', '--prev-kv'),
  as(ALICE, 'del', 'b', '--prev-kv'),
  { ...as(ALICE, 'txn'), stdin: 'value("foo") = "1"\n\nput pre/t yes\n\nput pre/t no\n\n' },
  { ...as(ALICE, 'txn'), stdin: 'value("b") = "1"\n\nput pre/t yes\n\n\n' },
  { ...as(ALICE, 'txn'), stdin: '\nput pre/t yes\nget b\n\n\n' },
  as(ALICE, 'get', 'foo', '-w', 'json'),
  as(ALICE, 'lock', 'pre/lk', 'echo', 'held'),
  as(ALICE, 'lock', 'lk', 'echo', 'held'),
  { ...as(ALICE, 'watch', 'b'), timeoutMs: 2_000 },
  as(ALICE, 'defrag'),
  { args: ['defrag'] },
  as(ALICE, 'endpoint', 'hashkv'),
  as(ROOT, 'defrag'),
  as('alice:wrong', 'get', 'foo'),
  as('ghost:x', 'get', 'foo'),
  as('nopw:x', 'get', 'foo'),
  as(ALICE, 'user', 'get', 'alice'),
  as(ALICE, 'user', 'get', 'root'),
  as(ALICE, 'role', 'get', 'reader'),
  as(ALICE, 'role', 'get', 'root'),
  as(ALICE, 'user', 'add', 'eve:x'),
  as(ALICE, 'user', 'list'),
  as(ALICE, 'auth', 'disable'),
  as(ROOT, 'user', 'delete', 'root'),
  as(ROOT, 'role', 'delete', 'root'),
  as(ROOT, 'user', 'revoke-role', 'root', 'root'),
  { ...as(ROOT, 'user', 'passwd', 'alice', '--interactive=false'), stdin: 'pw2\n' },
  as(ALICE, 'get', 'foo'),
  as('alice:pw2', 'get', 'foo'),
  as(ROOT, 'role', 'revoke-permission', 'reader', 'foo'),
  as(ROOT, 'role', 'revoke-permission', 'reader', 'foo'),
  as('alice:pw2', 'get', 'foo'),
  as(ROOT, 'user', 'revoke-role', 'alice', 'reader'),
  as(ROOT, 'user', 'revoke-role', 'alice', 'reader'),
  as('alice:pw2', 'put', 'pre/y', '1'),
  as(ROOT, 'auth', 'disable'),
  // Auth disabled again: no token needed; a user name still authenticates (or is told).
  { args: ['get', 'foo'] },
  { args: ['auth', 'disable'] },
  as(ROOT, 'get', 'foo'),
  { args: ['user', 'delete', 'alice'] },
  { args: ['role', 'delete', 'reader'] },
  { args: ['role', 'delete', 'root'] },
  { args: ['user', 'list'] },
  { args: ['role', 'list'] },
];

/** Masks what two different clusters cannot share. */
function mask(text: string): string {
  return text
    .replace(/"(cluster_id|member_id|raft_term)":\s*\d+/g, '"$1":<n>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}

async function run(server: ApiServer): Promise<string[]> {
  const endpoints = server.endpoints.join(',');
  const out: string[] = [];
  for (const step of SCRIPT) {
    const o = await etcdctl(endpoints, step.args, step.stdin, step.timeoutMs);
    out.push(mask(`$ etcdctl ${step.args.join(' ')}\n${o.stdout}${o.stderr}\n[exit ${o.code}]`));
  }
  return out;
}

describeTranscripts(
  'auth through etcdctl against real etcd and Cohort',
  SCRIPT.map((s) => s.args.join(' ')),
  run,
  // AUTH_DIFF_DUMP=/tmp/auth npx vitest run test/server-auth.test.ts writes both transcripts.
  'AUTH_DIFF_DUMP',
);

type Call = (
  request: object,
  metadata: Metadata,
  done: (e: Error | null, r: never) => void,
) => void;

/** A gRPC client of etcd's `service` on `endpoint`, with promise-returning calls. */
function client(service: 'Auth' | 'KV', endpoint: string) {
  const Ctor = etcdServices().etcdserverpb[service];
  if (Ctor === undefined) throw new Error(`no ${service} service`);
  const c = new Ctor(endpoint, credentials.createInsecure()) as unknown as Record<string, Call>;
  const call = <T>(method: string, request: object, token?: string) =>
    new Promise<T>((resolve, reject) => {
      const md = new Metadata();
      if (token !== undefined) md.set('token', token);
      (c[method] as Call).call(c, request, md, (e, r) => (e === null ? resolve(r) : reject(e)));
    });
  return { call, close: () => (c as unknown as { close(): void }).close() };
}

describe.each(API_SERVERS)('simple tokens on 3 members of $kind', ({ start }) => {
  let server: ApiServer;

  beforeAll(async () => {
    server = await start({ members: 3 });
    const first = server.endpoints[0] as string;
    for (const args of [
      ['user', 'add', ROOT],
      ['user', 'add', ALICE],
      ['auth', 'enable'],
    ])
      expect((await etcdctl(first, args)).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('is good on every member, and a new password revokes it everywhere', async () => {
    const [a, b, c] = server.endpoints as [string, string, string];
    const auth = client('Auth', a);
    const kvs = [a, b, c].map((e) => client('KV', e));
    try {
      const { token } = await auth.call<{ token: string }>('Authenticate', {
        name: 'root',
        password: 'secret',
      });
      expect(token).toMatch(/^[a-zA-Z]{16}\.\d+$/);
      for (const [i, kv] of kvs.entries())
        await kv.call('Put', { key: Buffer.from(`k${i}`), value: Buffer.from('v') }, token);
      await auth.call('UserChangePassword', { name: 'root', password: 'next' }, token);
      // Every member applies the change and drops the token (followers may lag a moment).
      for (const kv of kvs)
        await until(async () => {
          const error = await kv.call('Range', { key: Buffer.from('k0') }, token).then(
            () => undefined,
            (e: { details?: string }) => e.details,
          );
          return error === 'etcdserver: invalid auth token';
        }, 'the old token to be refused');
    } finally {
      auth.close();
      for (const kv of kvs) kv.close();
    }
  });
});
