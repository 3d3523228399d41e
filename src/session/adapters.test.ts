// The Express and Fastify adapters over real HTTP: the cookie round trip, a size refusal the
// handler answers itself (no cookie change), and a store that cannot load or save answered
// with 503 — the process stays up.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { cookieStore } from './cookie-store.js';
import { CookieTooLargeError, SessionStoreUnavailableError } from './errors.js';
import { expressSession } from './express.js';
import { fastifySession } from './fastify.js';
import { SessionManager } from './manager.js';
import type { Session } from './session.js';
import type { SessionStore } from './store.js';

const KEY = 'adapters-test-key-0123456789abcdef0123';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

type Route = (session: Session) => { status: number; body: unknown };

/** /inc counts; /big tries to store 5000 bytes and answers 413 itself when refused. */
const routes: Record<string, Route> = {
  '/inc': (s) => {
    s.set('n', ((s.get('n') as number | undefined) ?? 0) + 1);
    return { status: 200, body: { n: s.get('n') } };
  },
  '/big': (s) => {
    try {
      s.set('blob', 'x'.repeat(5000));
      return { status: 200, body: {} };
    } catch (error) {
      if (!(error instanceof CookieTooLargeError)) throw error;
      return { status: 413, body: { n: s.get('n') ?? null, limit: error.limitBytes } };
    }
  },
};

async function expressApp(manager: SessionManager): Promise<number> {
  const app = express();
  app.use(expressSession(manager));
  for (const [path, route] of Object.entries(routes))
    app.post(path, (req, res) => {
      const { status, body } = route(req.session);
      res.status(status).json(body);
    });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  cleanup.push(() => new Promise((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

async function fastifyApp(manager: SessionManager): Promise<number> {
  const app = Fastify();
  fastifySession(app, manager);
  for (const [path, route] of Object.entries(routes))
    app.post(path, async (request, reply) => {
      const { status, body } = route(request.session);
      return reply.code(status).send(body);
    });
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanup.push(() => app.close());
  return (app.server.address() as AddressInfo).port;
}

function post(port: number, path: string, cookie?: string) {
  return new Promise<{ status: number; body: string; cookie?: string }>((resolve, reject) => {
    const headers = cookie === undefined ? {} : { cookie };
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path,
      headers,
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      const set = res.headers['set-cookie']?.[0]?.split(';')[0];
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, ...(set ? { cookie: set } : {}) }),
      );
    });
    req.end();
  });
}

const failing = (what: 'load' | 'save'): SessionStore => {
  const store = cookieStore({ keys: [KEY] });
  const fail = async (): Promise<never> => {
    throw new SessionStoreUnavailableError(`session store: ${what} failed`);
  };
  return what === 'load' ? { ...store, load: fail } : { ...store, save: fail };
};

describe.each([
  ['express', expressApp],
  ['fastify', fastifyApp],
] as const)('%s adapter', (_name, start) => {
  it('keeps a session across requests in its cookie and refuses a too-big one in the handler', async () => {
    const port = await start(new SessionManager({ store: cookieStore({ keys: [KEY] }) }));
    const first = await post(port, '/inc');
    expect(first.cookie).toMatch(/^sid=/);
    const second = await post(port, '/inc', first.cookie);
    expect(JSON.parse(second.body)).toEqual({ n: 2 });
    const big = await post(port, '/big', second.cookie);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual({ n: 2, limit: 4096 });
    expect(big.cookie).toBeUndefined(); // Nothing changed: no new cookie.
  });

  it('answers 503 when the store cannot load or save, and keeps serving', async () => {
    for (const what of ['load', 'save'] as const) {
      const port = await start(new SessionManager({ store: failing(what) }));
      const answer = await post(port, '/inc', 'sid=whatever');
      expect(answer.status).toBe(503);
      expect(answer.cookie).toBeUndefined();
      // Still up: without a cookie there is nothing to load, so only a failing save refuses.
      expect((await post(port, '/inc')).status).toBe(what === 'load' ? 200 : 503);
    }
  });
});
