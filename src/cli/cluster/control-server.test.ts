// The launcher's control API behind its guard (issue 14, item 8): a body over the limit is
// a 413 the client receives, nothing is done without the control token, bodies are JSON,
// and the Host header must be a loopback name. The cluster is never started: the requests
// that pass the guard reach handlers that answer from its (empty) process table.

import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { newApiToken } from '../../runtime/api-token.js';
import { LocalCluster } from '../../runtime/launcher/local-cluster.js';
import { MAX_CONTROL_BODY_BYTES, startControlServer } from './control-server.js';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function start() {
  const cluster = new LocalCluster({
    algorithm: 'consensus/raft',
    nodes: 3,
    dataDir: '/nonexistent',
    clusterId: 'control-test',
    cohort: [],
  });
  const downs: number[] = [];
  const token = newApiToken();
  const control = await startControlServer({
    cluster,
    chaos: undefined,
    token,
    status: async () => ({ clusterId: 'control-test' }),
    down: () => downs.push(1),
    report: () => {},
  });
  servers.push(control.server);
  return { port: control.port, token, downs };
}

function request(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; body: { error?: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path, headers: o.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString()),
            });
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

describe('control API', () => {
  it('needs the control token for every route', async () => {
    const { port, token, downs } = await start();
    for (const [method, path] of [
      ['GET', '/status'],
      ['POST', '/down'],
      ['POST', '/kill?node=1'],
    ] as const) {
      const json = { 'content-type': 'application/json' };
      const body = method === 'POST' ? '{}' : undefined;
      const none = await request(port, { method, path, headers: json, ...(body && { body }) });
      expect(none.status, path).toBe(401);
      const wrong = await request(port, {
        method,
        path,
        headers: { ...json, authorization: `Bearer ${newApiToken()}` },
        ...(body && { body }),
      });
      expect(wrong.status, path).toBe(401);
    }
    expect(downs).toEqual([]);
    const auth = { authorization: `Bearer ${token}` };
    const status = await request(port, { path: '/status', headers: auth });
    expect(status).toEqual({ status: 200, body: { clusterId: 'control-test' } });
    const kill = await request(port, {
      method: 'POST',
      path: '/kill?node=1',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(kill).toEqual({ status: 409, body: { error: 'node 1 is not running' } });
  });

  it('answers a body over the limit with 413, and takes JSON plans only', async () => {
    const { port, token } = await start();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const plan = JSON.stringify({ plan: `drop 0.1${' '.repeat(4 * MAX_CONTROL_BODY_BYTES)}` });
    const big = await request(port, { method: 'POST', path: '/faults', headers, body: plan });
    expect(big.status).toBe(413);
    const text = await request(port, {
      method: 'POST',
      path: '/faults',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: 'drop 0.1',
    });
    expect(text.status).toBe(415);
    const shapeless = await request(port, {
      method: 'POST',
      path: '/faults',
      headers,
      body: '"drop 0.1"',
    });
    expect(shapeless.status).toBe(400);
    // A well-formed plan passes the guard and reaches the handler (this cluster has no chaos layer).
    const small = JSON.stringify({ plan: 'drop 0.1' });
    const ok = await request(port, { method: 'POST', path: '/faults', headers, body: small });
    expect(ok).toEqual({
      status: 409,
      body: { error: 'this cluster runs without the chaos layer' },
    });
  });

  it('refuses a Host that is not a loopback name', async () => {
    const { port, token } = await start();
    const reply = await request(port, {
      path: '/status',
      headers: { authorization: `Bearer ${token}`, host: 'rebound.example:8080' },
    });
    expect(reply.status).toBe(403);
  });
});
