// The session survival test's app server (test/session-survival.test.ts): a tiny Express or
// Fastify app using src/session's middleware with one of the four designs, run as its own
// process so the test can SIGKILL it mid-session. Run with tsx:
//   node --import tsx test/support/session-app.ts '<SessionAppConfig as JSON>'
// Prints {"event":"listening","port":P,"gossipPort":G} once it serves. Routes:
//   POST /inc   the session's counter + 1 (starts a session when there is none)
//   GET  /count the counter, changing nothing
// both answering {"server","id","isNew","count"}. For the replicated design, a line
// {"peers":[{"node":2,"url":"http://127.0.0.1:G/"}]} on standard input sets its peers.
// Standard input closing (the test is gone) ends the process.
//
// Fault model: none of its own; a start failure is printed on stderr and exits with 1.

import readline from 'node:readline';
import express from 'express';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import {
  cookieStore,
  expressSession,
  fastifySession,
  homeIdMinter,
  memoryStore,
  ReplicatedSessionStore,
  redisStore,
  type Session,
  SessionManager,
  type SessionOptions,
  type SessionStore,
} from '../../src/session/index.js';

export type Design = 'sticky' | 'replicated' | 'redis' | 'cookie';
export type Framework = 'express' | 'fastify';

export interface SessionAppConfig {
  readonly design: Design;
  readonly framework: Framework;
  /** This server's name (the sticky ring's node) and id (the replicated writer). */
  readonly name: string;
  readonly node: number;
  /** Every server's name, in order (the sticky ring). */
  readonly names: readonly string[];
  /** The gossip secret (replicated) or the cookie key (cookie). */
  readonly secret: string;
  readonly redisPort?: number;
  readonly gossipPeriodMs?: number;
}

export interface CountReply {
  readonly server: string;
  readonly id: string;
  readonly isNew: boolean;
  readonly count: number;
}

function reply(c: SessionAppConfig, session: Session): CountReply {
  const count = session.get('count');
  return {
    server: c.name,
    id: session.id,
    isNew: session.isNew,
    count: typeof count === 'number' ? count : 0,
  };
}

function increment(session: Session): void {
  const count = session.get('count');
  session.set('count', (typeof count === 'number' ? count : 0) + 1);
}

async function storeFor(
  c: SessionAppConfig,
): Promise<{ store: SessionStore; gossipPort?: number }> {
  switch (c.design) {
    case 'sticky':
      return { store: memoryStore() };
    case 'cookie':
      return { store: cookieStore({ keys: [c.secret] }) };
    case 'redis':
      return { store: redisStore(new Redis({ host: '127.0.0.1', port: c.redisPort as number })) };
    case 'replicated': {
      const replicas = new ReplicatedSessionStore({
        node: c.node,
        secret: c.secret,
        periodMs: c.gossipPeriodMs ?? 100,
      });
      const gossipPort = await replicas.listen();
      readline.createInterface({ input: process.stdin }).on('line', (line) => {
        replicas.setPeers((JSON.parse(line) as { peers: { node: number; url: string }[] }).peers);
      });
      return { store: replicas.store(), gossipPort };
    }
  }
}

async function serveExpress(c: SessionAppConfig, manager: SessionManager): Promise<number> {
  const app = express();
  app.use(expressSession(manager));
  app.post('/inc', (req, res) => {
    increment(req.session);
    res.json(reply(c, req.session));
  });
  app.get('/count', (req, res) => {
    res.json(reply(c, req.session));
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve((server.address() as { port: number }).port),
    );
  });
}

async function serveFastify(c: SessionAppConfig, manager: SessionManager): Promise<number> {
  const app = Fastify();
  fastifySession(app, manager);
  app.post('/inc', async (request) => {
    increment(request.session);
    return reply(c, request.session);
  });
  app.get('/count', async (request) => reply(c, request.session));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

async function main(): Promise<void> {
  const c = JSON.parse(process.argv[2] as string) as SessionAppConfig;
  const { store, gossipPort } = await storeFor(c);
  const options: SessionOptions = {
    store,
    ttlMs: 10 * 60_000,
    ...(c.design === 'sticky' ? { newId: homeIdMinter(c.names, c.name) } : {}),
  };
  const manager = new SessionManager(options);
  const port =
    c.framework === 'express' ? await serveExpress(c, manager) : await serveFastify(c, manager);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ event: 'listening', port, gossipPort })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
