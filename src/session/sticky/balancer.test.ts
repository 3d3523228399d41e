// The sticky balancer over real loopback backends: a session id goes to its ring owner and
// ids minted by homeIdMinter come home; cookieless requests go round robin; a dead backend
// leaves the ring and only its sessions move; a restarted one is probed back in; bad cookies
// and oversized bodies are handled, not thrown.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../runtime/testing/wait.js';
import { newSessionId } from '../session-id.js';
import { BACKEND_HEADER, StickyBalancer } from './balancer.js';
import { homeIdMinter, stickyRing } from './sticky-ring.js';

const NAMES = ['s1', 's2', 's3'];
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function backend(port = 0): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port }),
    ),
  );
}

const closeServer = (s: http.Server) => new Promise<void>((r) => s.close(() => r()));

async function setup() {
  const backends = await Promise.all(NAMES.map(() => backend()));
  cleanup.push(async () => {
    for (const b of backends) if (b.server.listening) await closeServer(b.server);
  });
  const balancer = new StickyBalancer({
    backends: backends.map((b, i) => ({
      name: NAMES[i] as string,
      url: `http://127.0.0.1:${b.port}`,
    })),
    probeIntervalMs: 20,
  });
  const port = await balancer.listen();
  cleanup.push(() => balancer.close());
  return { backends, balancer, port };
}

function get(
  port: number,
  cookie?: string,
  body?: string,
): Promise<{ status: number; backend?: string }> {
  return new Promise((resolve, reject) => {
    const headers = cookie === undefined ? {} : { cookie };
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers,
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      const b = res.headers[BACKEND_HEADER];
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ...(typeof b === 'string' ? { backend: b } : {}) }),
      );
    });
    req.end(body);
  });
}

describe('StickyBalancer', () => {
  it('routes an id to its ring owner, minted ids home, cookieless requests round robin', async () => {
    const { port } = await setup();
    const ring = stickyRing(NAMES);
    for (let i = 0; i < 20; i++) {
      const id = newSessionId();
      expect((await get(port, `other=1; sid=${id}`)).backend).toBe(ring.nodeFor(id));
    }
    for (const name of NAMES) {
      const mint = homeIdMinter(NAMES, name);
      for (let i = 0; i < 5; i++) expect((await get(port, `sid=${mint()}`)).backend).toBe(name);
    }
    // Sequential: round robin order is arrival order.
    const spread: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) spread.push((await get(port)).backend);
    expect(new Set(spread).size).toBe(3);
    expect((await get(port, 'sid=not-an-id')).status).toBe(200);
  });

  it('takes a dead server out of the ring, moving only its sessions; probes it back in', async () => {
    const { backends, balancer, port } = await setup();
    const ring = stickyRing(NAMES);
    const ids = Array.from({ length: 60 }, newSessionId);
    const dead = backends[1] as { server: http.Server; port: number };
    await closeServer(dead.server);
    for (const id of ids) {
      const owner = ring.nodeFor(id);
      const got = (await get(port, `sid=${id}`)).backend;
      if (owner === 's2') expect(got).not.toBe('s2');
      else expect(got).toBe(owner); // Consistent hashing: nobody else moved.
    }
    expect(balancer.alive()).toEqual(['s1', 's3']);
    const back = await backend(dead.port);
    cleanup.push(() => closeServer(back.server));
    await until(() => balancer.alive().length === 3, 'the probe to find s2 again');
    const home = ids.find((id) => ring.nodeFor(id) === 's2') as string;
    expect((await get(port, `sid=${home}`)).backend).toBe('s2');
  });

  it('answers 413 to a body over the limit and 502 with no server left', async () => {
    const { backends, port } = await setup();
    expect((await get(port, undefined, 'x'.repeat(1024 * 1024 + 1))).status).toBe(413);
    for (const b of backends) await closeServer(b.server);
    expect((await get(port, `sid=${newSessionId()}`)).status).toBe(502);
  });
});
