// Typed RPC over gRPC with a service registry (issue 21), with real processes: `cohort serve`
// as the registry, three RPC server processes (test/support/rpc-agent.ts) that register
// themselves on leases, and clients in this process balancing over the registry's live
// instances. Calls spread over the instances; an idempotent call is hedged past a stalled
// instance; a client's deadline reaches a nested call two processes away and expires there;
// a SIGKILLed instance costs no call and leaves the directory when its lease expires; with
// every server failing, the retry budget caps the attempts; bad input gets typed errors and
// the servers stay up; the same client calls a plain gRPC service (etcd's KV, on `cohort
// serve`) from its .proto.
//
// No timing thresholds: outcomes are counted; waits have limits that only turn a hang into a
// failure.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentials, Client as GrpcClient, Metadata, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, connect } from '../src/client/client.js';
import { ServiceDirectory } from '../src/client/recipes/registry.js';
import { RpcClient } from '../src/comm/rpc/client.js';
import { type EchoMethods, echoService } from '../src/comm/rpc/echo-service.js';
import { RpcError } from '../src/comm/rpc/errors.js';
import { loadService } from '../src/comm/rpc/service.js';
import { NodeProcess } from '../src/runtime/launcher/node-process.js';
import { CohortServer } from './support/cohort-server.js';

const AGENT = path.resolve(import.meta.dirname, 'support/rpc-agent.ts');
const INSTANCES = ['a', 'b', 'c'] as const;
const TTL_MS = 2000;
/** Only turns a hang into a failure. */
const HANG_MS = 60_000;

const rejection = async (p: Promise<unknown>): Promise<RpcError> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RpcError);
  return error as RpcError;
};

describe('RPC with a service registry, across processes', () => {
  const service = echoService();
  let registry: CohortServer;
  let client: Client;
  let dir: string;
  let directory: ServiceDirectory;
  const agents = new Map<string, NodeProcess>();
  const clients: RpcClient<EchoMethods>[] = [];
  const rpc = (options: ConstructorParameters<typeof RpcClient>[2] = {}) => {
    const c = new RpcClient(service, { directory }, { policy: 'rr', ...options });
    clients.push(c);
    return c;
  };
  /** Each live instance's Stats, asked of it directly. */
  const statsOf = async () => {
    const out = new Map<string, Awaited<ReturnType<RpcClient<EchoMethods>['call']>>>();
    for (const [id, instance] of directory.instances) {
      const direct = new RpcClient(service, { addresses: [instance.value] });
      out.set(id, await direct.call('Stats', {}, { deadlineMs: HANG_MS }));
      direct.close();
    }
    return out as Map<
      string,
      {
        echoes: number;
        fails: number;
        calls: { method: string; deadlineMs: number; ended: string }[];
      }
    >;
  };

  beforeAll(async () => {
    registry = await CohortServer.start();
    client = await connect({ endpoints: registry.endpoints });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-rpc-'));
    for (const id of INSTANCES) {
      const argv = [process.execPath, '--import', 'tsx', AGENT];
      const args = ['--endpoints', registry.endpoints.join(','), '--instance', id];
      const agent = new NodeProcess(
        [...argv, ...args, '--ttl-ms', String(TTL_MS)],
        path.join(dir, `${id}.log`),
      );
      agents.set(id, agent);
    }
    for (const [id, agent] of agents)
      await agent.ready.catch((error: Error) => {
        const log = fs.readFileSync(path.join(dir, `${id}.log`), 'utf8').slice(-4000);
        throw new Error(`${error.message}\n${log}`);
      });
    directory = new ServiceDirectory(client, service.name);
    await directory.waitFor((m) => m.size === INSTANCES.length, { timeoutMs: HANG_MS });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    directory?.close();
    for (const agent of agents.values()) if (agent.alive) agent.kill('SIGKILL');
    await Promise.all([...agents.values()].map((a) => a.exited));
    client?.close();
    await registry?.stop();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('spreads calls over every live instance (round robin: evenly)', async () => {
    const echo = rpc();
    const served = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const reply = await echo.call('Echo', { text: `hi ${i}` }, { deadlineMs: HANG_MS });
      expect(reply.text).toBe(`hi ${i}`);
      served.set(reply.instance, (served.get(reply.instance) ?? 0) + 1);
    }
    expect(Object.fromEntries(served)).toEqual({ a: 10, b: 10, c: 10 });
    expect(echo.stats).toMatchObject({ calls: 30, attempts: 30, retries: 0 });
  });

  it('hedges an idempotent call past a stalled instance', async () => {
    // Instance a never answers these; without a hedge, every call a is picked for would hang.
    const echo = rpc({ hedge: { delayMs: 20, maxAttempts: 3 } });
    for (let i = 0; i < 6; i++) {
      const reply = await echo.call('Echo', { text: 'x', stallOn: 'a' }, { deadlineMs: HANG_MS });
      expect(reply.instance).not.toBe('a');
    }
    expect(echo.stats.hedges).toBeGreaterThan(0);
  });

  it('a deadline set by the client expires downstream, in the nested call', async () => {
    // Relay (not idempotent: neither retried nor hedged) calls Stall on some instance while
    // serving; Stall never answers by itself, so only a deadline passed on can end it.
    const echo = rpc({ hedge: { delayMs: 1 }, retry: {} });
    const error = await rejection(echo.call('Relay', {}, { deadlineMs: 1500 }));
    expect(error.code).toBe('deadline-exceeded');
    expect(echo.stats).toMatchObject({ attempts: 1, retries: 0, hedges: 0 });
    let records: { method: string; deadlineMs: number; ended: string }[] = [];
    // The servers record the ends a moment after the client saw its deadline pass.
    await waitUntil(async () => {
      records = [...(await statsOf()).values()].flatMap((s) => s.calls);
      return records.some((r) => r.method === 'Stall') && records.some((r) => r.method === 'Relay');
    });
    const stall = records.find((r) => r.method === 'Stall');
    const relay = records.find((r) => r.method === 'Relay');
    // Either timer may win: the server's own deadline, or the client's cancellation when its
    // deadline passed first (under load the RST_STREAM can arrive before the server's timer
    // fires). Both ends mean the passed-on deadline ended the call; nothing else could.
    const byDeadline = ['deadline-exceeded', 'cancelled'];
    expect(byDeadline).toContain(relay?.ended);
    expect(byDeadline).toContain(stall?.ended);
    // The nested call arrived with a deadline though the Relay handler set none.
    expect(stall?.deadlineMs).toBeGreaterThan(0);
    expect(relay?.deadlineMs).toBeGreaterThan(0);
  });

  it('bad input gets typed errors and the servers stay up', async () => {
    const echo = rpc({ retry: {} });
    const empty = await rejection(echo.call('Echo', { text: '' }, { deadlineMs: HANG_MS }));
    expect(empty.code).toBe('invalid-argument');
    expect(empty.message).toMatch(/text must be/);
    expect(echo.stats.retries).toBe(0); // Not a retryable code.
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const tooLarge = await rejection(echo.call('Echo', { text: huge }, { deadlineMs: HANG_MS }));
    expect(tooLarge.code).toBe('resource-exhausted');
    const unknown = await rejection(echo.call('Nope' as 'Echo', { text: 'x' }));
    expect(unknown.code).toBe('unimplemented');
    const unserializable = await rejection(echo.call('Echo', null as unknown as { text: string }));
    expect(unserializable.code).toBe('invalid-argument');
    await expect(echo.call('Echo', { text: 'x' }, { deadlineMs: -1 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    expect(() => rpc({ retry: { maxAttempts: 0 } })).toThrow(RpcError);
    expect(() => new RpcClient(service, { addresses: [] })).toThrow();

    // Bytes that are no EchoRequest, from a raw gRPC client: refused, and the server goes on.
    const address = [...directory.instances.values()][0]?.value as string;
    const raw = new GrpcClient(address, credentials.createInsecure());
    const garbage = await new Promise<ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(
        '/cohort.echo.Echo/Echo',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
        new Metadata(),
        {},
        (e) => resolve(e),
      ),
    );
    raw.close();
    expect(garbage?.code).toBeGreaterThan(0); // A status, not a reply (grpc-js: INTERNAL).
    const direct = new RpcClient(service, { addresses: [address] });
    expect((await direct.call('Echo', { text: 'still up' }, { deadlineMs: HANG_MS })).text).toBe(
      'still up',
    );
    direct.close();

    // A service nobody registered: no instance to call.
    const nobody = new ServiceDirectory(client, 'nobody.Service');
    await nobody.ready;
    const none = new RpcClient(service, { directory: nobody });
    expect((await rejection(none.call('Echo', { text: 'x' }))).code).toBe('unavailable');
    none.close();
    nobody.close();
  });

  it('calls a plain gRPC service from its .proto (etcd KV on cohort serve)', async () => {
    const kv = loadService<{
      Range: {
        request: { key: Buffer; rangeEnd: Buffer };
        response: { kvs: { key: Buffer; value: Buffer }[] };
      };
    }>({
      proto: 'etcd/etcdserver/etcdserverpb/rpc.proto',
      service: 'etcdserverpb.KV',
      idempotent: ['Range'],
    });
    const etcd = new RpcClient(kv, { addresses: registry.endpoints }, { retry: {} });
    const prefix = `services/${service.name}/`;
    const end = Buffer.from(prefix);
    end[end.length - 1] = (end[end.length - 1] as number) + 1;
    const got = await etcd.call(
      'Range',
      { key: Buffer.from(prefix), rangeEnd: end },
      { deadlineMs: HANG_MS },
    );
    const keys = got.kvs.map((k) => k.key.toString()).sort();
    expect(keys).toEqual(INSTANCES.map((id) => `${prefix}${id}`));
    const values = got.kvs.map((k) => k.value.toString());
    expect(values.sort()).toEqual([...directory.instances.values()].map((i) => i.value).sort());
    etcd.close();
  });

  it('a killed instance costs no call, and leaves when its lease expires', async () => {
    const echo = rpc({ retry: { maxAttempts: 3 } });
    const c = agents.get('c') as NodeProcess;
    c.kill('SIGKILL');
    await c.exited;
    for (let i = 0; i < 30; i++) {
      const reply = await echo.call('Echo', { text: 'after' }, { deadlineMs: HANG_MS });
      expect(reply.instance).not.toBe('c');
    }
    await directory.waitFor((m) => !m.has('c'), { timeoutMs: HANG_MS });
    await waitUntil(() => !echo.instances().has('c'));
    expect([...echo.instances().keys()].sort()).toEqual(['a', 'b']);
  });

  it('the retry budget caps retries when every server fails', async () => {
    await directory.waitFor((m) => !m.has('c'), { timeoutMs: HANG_MS });
    const before = [...(await statsOf()).values()].reduce((n, s) => n + s.fails, 0);
    const calls = 100;
    // minPerSecond × ttl: 0.01 × 600 s = 6 retries however few the calls.
    const budget = { ratio: 0.1, minPerSecond: 0.01, ttlMs: 600_000 };
    const echo = rpc({ retry: { maxAttempts: 5, budget } });
    for (let i = 0; i < calls; i++) {
      const error = await rejection(echo.call('Fail', {}, { deadlineMs: HANG_MS }));
      expect(error.code).toBe('unavailable');
    }
    const after = [...(await statsOf()).values()].reduce((n, s) => n + s.fails, 0);
    const allowed = Math.floor(6 + 0.1 * calls);
    expect(echo.stats.retries).toBe(allowed);
    expect(echo.stats.attempts).toBe(calls + allowed);
    expect(after - before).toBe(calls + allowed); // Seen by the servers, not only counted here.
    expect(echo.stats.budgetRefused).toBeGreaterThan(0);
  });
});

async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > HANG_MS) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
