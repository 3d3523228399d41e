// The node's client API as an attacker on the same machine would try it (issue 14, item 8):
// an in-process NodeHost (consensus/raft on memory storage, one server, no simulated
// clients) behind the real HTTP server. Raw node:http requests, so Host and Content-Type
// are exactly what the test says. Every refusal must arrive as a status with a reason,
// never as a connection reset, and only a parsed command may reach the process.

import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { raft } from '../algorithms/consensus/raft/index.js';
import { ricartAgrawala } from '../algorithms/mutex/ricart-agrawala/index.js';
import type { AnyAlgorithm } from '../core/algorithm.js';
import { resolveOptions } from '../sim/run.js';
import { newApiToken } from './api-token.js';
import { MAX_BODY_BYTES, startClientApi } from './client-api.js';
import { NodeHost } from './host.js';
import { MemoryStorage } from './memory-storage.js';
import { until } from './testing/wait.js';

interface Api {
  readonly port: number;
  readonly token: string;
  readonly host: NodeHost;
}

const servers: http.Server[] = [];
const hosts: NodeHost[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

async function startApi(algorithm: AnyAlgorithm, nodes: number[]): Promise<Api> {
  const host = new NodeHost({
    algorithm,
    id: 1,
    nodes,
    options: resolveOptions(algorithm, { clients: 0 }),
    seed: 1,
    randomSeed: 7,
    storage: new MemoryStorage(),
    clock: () => performance.now(),
    transmit: () => {},
    onFatal: (error) => {
      throw error;
    },
  });
  host.start();
  hosts.push(host);
  const token = newApiToken();
  const api = await startClientApi({ host, algorithm, port: 0, token, status: () => ({}) });
  servers.push(api.server);
  return { port: api.port, token, host };
}

interface Reply {
  readonly status: number;
  readonly body: { error?: string; ok?: boolean };
}

/** One request; resolves with the status and parsed body, rejects on a reset. */
function request(
  api: Api,
  o: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    token?: string | null;
  },
): Promise<Reply> {
  const token = o.token === undefined ? api.token : o.token;
  const headers: Record<string, string> = {
    ...(token !== null && { authorization: `Bearer ${token}` }),
    ...(o.body !== undefined && { 'content-type': 'application/json' }),
    ...o.headers,
  };
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: api.port,
        method: o.method ?? 'GET',
        path: o.path ?? '/status',
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve({ status: res.statusCode ?? 0, body });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

function post(api: Api, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return request(api, { method: 'POST', path: '/command', body: JSON.stringify(body), headers });
}

describe('client API', () => {
  it('accepts a valid command (202) and the process answers it', async () => {
    const api = await startApi(raft, [1]);
    const put = { type: 'put', key: 'x', value: '1', client: 7, seq: 1 };
    expect(await post(api, put)).toEqual({ status: 202, body: { ok: true } });
    await until(
      () =>
        api.host.outputs
          .since(0)
          .some((r) => (r.output as { reply?: { client?: number } }).reply?.client === 7),
      'a reply to client 7',
    );
    const state = await request(api, { path: '/state' });
    expect(state.status).toBe(200);
  });

  it('refuses malformed commands with 400 and a reason; none reaches the process', async () => {
    const api = await startApi(raft, [1]);
    const bad: unknown[] = [
      null,
      [],
      'put',
      { type: 'frobnicate', client: 1, seq: 1 },
      { type: 'put', key: 'x', value: '1' },
      { type: 'put', key: 'x', value: '1', client: 1 },
      { type: 'put', key: 'x', value: 1, client: 1, seq: 1 },
    ];
    for (const command of bad) {
      const reply = await post(api, command);
      expect(reply.status, JSON.stringify(command)).toBe(400);
      expect(reply.body.error).toMatch(/^bad command: ./);
    }
    const empty = await request(api, { method: 'POST', path: '/command', body: '' });
    expect(empty.status).toBe(400);
    const notJson = await request(api, { method: 'POST', path: '/command', body: '{"type":' });
    expect(notJson).toEqual({ status: 400, body: { error: 'the body is not JSON' } });
    const replies = api.host.outputs.since(0).filter((r) => r.output.type === 'reply');
    expect(replies).toEqual([]);
  });

  it('answers an over-large body with 413 (received, not a reset)', async () => {
    const api = await startApi(raft, [1]);
    const body = Buffer.alloc(2 * MAX_BODY_BYTES, 0x20);
    const reply = await request(api, { method: 'POST', path: '/command', body });
    expect(reply.status).toBe(413);
    expect(reply.body.error).toContain(String(MAX_BODY_BYTES));
    // The server is still there for the next request.
    expect((await request(api, {})).status).toBe(200);
  });

  it('takes JSON only: text/plain and forms get 415', async () => {
    const api = await startApi(raft, [1]);
    const put = JSON.stringify({ type: 'put', key: 'x', value: '1', client: 7, seq: 1 });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const reply = await request(api, {
        method: 'POST',
        path: '/command',
        body: put,
        headers: { 'content-type': type },
      });
      expect(reply.status, type).toBe(415);
    }
    const charset = await request(api, {
      method: 'POST',
      path: '/command',
      body: put,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(charset.status).toBe(202);
  });

  it('needs the bearer token on every route (401 without it or with a wrong one)', async () => {
    const api = await startApi(raft, [1]);
    for (const path of ['/status', '/state', '/outputs?after=0', '/nowhere']) {
      expect((await request(api, { path, token: null })).status, path).toBe(401);
      expect((await request(api, { path, token: newApiToken() })).status, path).toBe(401);
      expect((await request(api, { path, token: api.token.slice(1) })).status, path).toBe(401);
    }
    const basic = await request(api, {
      token: null,
      headers: { authorization: `Basic ${Buffer.from(`x:${api.token}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    const unauthorized = await post(
      api,
      { type: 'put', key: 'x', value: '1', client: 7, seq: 1 },
      {
        authorization: 'Bearer wrong-token-0123456789',
      },
    );
    expect(unauthorized.status).toBe(401);
    expect(api.host.outputs.since(0)).toEqual([]);
  });

  it('refuses a Host header that is not a loopback name (403), accepts loopback ones', async () => {
    const api = await startApi(raft, [1]);
    for (const host of ['evil.example', 'evil.example:80', '127.0.0.1.evil.example', '10.0.0.1']) {
      const reply = await request(api, { headers: { host } });
      expect(reply.status, host).toBe(403);
      expect(reply.body.error).toContain('loopback');
    }
    for (const host of [
      '127.0.0.1',
      `127.0.0.1:${api.port}`,
      'localhost:1',
      'LOCALHOST',
      '[::1]:8080',
    ]) {
      expect((await request(api, { headers: { host } })).status, host).toBe(200);
    }
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    const api = await startApi(raft, [1]);
    expect((await request(api, { path: '/nowhere' })).status).toBe(404);
    expect((await request(api, { path: '/__proto__' })).status).toBe(404);
    expect((await request(api, { path: '/command' })).status).toBe(405);
    expect((await request(api, { method: 'DELETE', path: '/state' })).status).toBe(405);
    expect((await request(api, { method: 'POST', path: '/status', body: '{}' })).status).toBe(405);
  });

  it('answers 409 when the algorithm takes no commands', async () => {
    const api = await startApi(ricartAgrawala, [1, 2]);
    const reply = await post(api, { type: 'request' });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toContain('takes no commands');
  });
});
