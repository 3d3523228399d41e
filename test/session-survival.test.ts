// Notes 003, distributed sessions: which sessions survive when an app server dies, for each
// of the four designs. Three real app-server processes (test/support/session-app.ts; Express
// for sticky and Redis, Fastify for replicated and cookie) serve 30 sessions, each started
// and then advanced once (its counter at 2, "mid-session"); one server is SIGKILLed; then
// every session makes its next request through the survivors (the sticky balancer for the
// sticky design) and counts as surviving when it comes back as the same session at 3.
//
// The expected truths are asserted, not just printed:
//   - sticky:     exactly the sessions homed on the killed server are lost (the ring sends
//                 them to a survivor that never saw them); every other session keeps its
//                 data AND its server (the ring moved nobody else);
//   - replicated: all survive, once gossip has spread every session to every server
//                 (waited for as a condition, with a deadline);
//   - redis:      all survive (no server holds session state);
//   - cookie:     all survive (the state is in the client).
// The table printed at the end is docs/sessions.md's: `npx vitest run test/session-survival.test.ts`.
//
// Fault model: SIGKILL of one app server, nothing else; Redis stays up.

import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { StickyBalancer } from '../src/session/index.js';
import { RedisServers } from './support/redis.js';
import type { Design, Framework, SessionAppConfig } from './support/session-app.js';
import { AppServers, call } from './support/session-servers.js';

const SESSIONS = 30;
const NAMES = ['app1', 'app2', 'app3'];
const VICTIM = 1; // app2

interface Tracked {
  cookie: string;
  id: string;
  /** The server that served its last request before the kill. */
  server: string;
}

interface Row {
  readonly design: Design;
  readonly framework: Framework;
  readonly onVictim: number;
  readonly survived: number;
  readonly lost: number;
}

const rows: Row[] = [];

function configs(design: Design, framework: Framework, redisPort?: number): SessionAppConfig[] {
  const secret = randomBytes(32).toString('base64url');
  return NAMES.map((name, i) => ({
    design,
    framework,
    name,
    node: i + 1,
    names: NAMES,
    secret,
    ...(redisPort === undefined ? {} : { redisPort }),
  }));
}

/** Starts and advances SESSIONS sessions: `front(i, step)` is the port of request `step`. */
async function startSessions(front: (i: number, step: 0 | 1) => number): Promise<Tracked[]> {
  return Promise.all(
    Array.from({ length: SESSIONS }, async (_, i) => {
      const first = await call(front(i, 0), 'POST', '/inc');
      expect(first.body).toMatchObject({ isNew: true, count: 1 });
      const cookie = first.cookie as string;
      const second = await call(front(i, 1), 'POST', '/inc', cookie);
      expect(second.body).toMatchObject({ isNew: false, count: 2, id: first.body.id });
      return { cookie: second.cookie ?? cookie, id: first.body.id, server: second.body.server };
    }),
  );
}

/** After the kill: each session's next request; survived = same session, counter at 3. */
async function survivors(sessions: Tracked[], front: (i: number) => number): Promise<boolean[]> {
  return Promise.all(
    sessions.map(async (s, i) => {
      const next = await call(front(i), 'POST', '/inc', s.cookie);
      expect(next.status).toBe(200);
      const survived = !next.body.isNew && next.body.id === s.id && next.body.count === 3;
      // Lost means a fresh session, never a half-kept one.
      if (!survived) expect(next.body).toMatchObject({ isNew: true, count: 1 });
      return survived;
    }),
  );
}

function record(design: Design, framework: Framework, sessions: Tracked[], kept: boolean[]): Row {
  const victim = NAMES[VICTIM] as string;
  const row = {
    design,
    framework,
    onVictim: sessions.filter((s) => s.server === victim).length,
    survived: kept.filter(Boolean).length,
    lost: kept.filter((k) => !k).length,
  };
  rows.push(row);
  return row;
}

describe('session survival when an app server is SIGKILLed', () => {
  afterAll(() => {
    const lines = [
      '| design | framework | sessions | on the killed server | survived | lost |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.design} | ${r.framework} | ${SESSIONS} | ${r.onVictim} | ${r.survived} | ${r.lost} |`,
      ),
    ];
    console.log(
      `\nsession survival (npx vitest run test/session-survival.test.ts):\n${lines.join('\n')}\n`,
    );
  });

  it('sticky: the killed server’s sessions are lost, every other keeps its data and server', async () => {
    const apps = await AppServers.start(configs('sticky', 'express'));
    const balancer = new StickyBalancer({
      backends: apps.servers.map((a) => ({
        name: a.config.name,
        url: `http://127.0.0.1:${a.port}`,
      })),
    });
    try {
      const port = await balancer.listen();
      const sessions = await startSessions(() => port);
      await apps.kill(VICTIM);
      const after = await Promise.all(sessions.map((s) => call(port, 'POST', '/inc', s.cookie)));
      const kept = after.map(
        (a, i) => !a.body.isNew && a.body.count === 3 && a.body.id === sessions[i]?.id,
      );
      const row = record('sticky', 'express', sessions, kept);
      const victim = NAMES[VICTIM];
      expect(row.onVictim).toBeGreaterThan(0);
      expect(row.onVictim).toBeLessThan(SESSIONS);
      after.forEach((a, i) => {
        const s = sessions[i] as Tracked;
        expect(kept[i]).toBe(s.server !== victim);
        if (s.server !== victim)
          expect(a.body.server).toBe(s.server); // Not moved by the ring.
        else expect(a.body).toMatchObject({ isNew: true, count: 1 });
      });
      expect(balancer.alive()).not.toContain(victim);
    } finally {
      await balancer.close();
      await apps.stop();
    }
  });

  it('replicated: every session survives once gossip has spread it', async () => {
    const apps = await AppServers.start(configs('replicated', 'fastify'));
    try {
      for (const a of apps.servers) {
        const peers = apps.servers
          .filter((p) => p !== a)
          .map((p) => ({ node: p.config.node, url: `http://127.0.0.1:${p.gossipPort}/` }));
        a.child.stdin?.write(`${JSON.stringify({ peers })}\n`);
      }
      // Both requests on the server that started the session: before gossip, only it knows.
      const sessions = await startSessions((i) => apps.at(i % 3).port);
      await until(async () => {
        const seen = await Promise.all(
          apps.servers.flatMap((a) => sessions.map((s) => call(a.port, 'GET', '/count', s.cookie))),
        );
        return seen.every((r) => r.body.count === 2);
      }, 'gossip to spread every session to every server');
      await apps.kill(VICTIM);
      const kept = await survivors(sessions, (i) => apps.at(i % 2 === 0 ? 0 : 2).port);
      const row = record('replicated', 'fastify', sessions, kept);
      expect(row.onVictim).toBe(SESSIONS / 3);
      expect(row.survived).toBe(SESSIONS);
    } finally {
      await apps.stop();
    }
  });

  it('redis: every session survives (no app server holds one)', async () => {
    const redis = await RedisServers.start({ persistence: 'none' });
    const apps = await AppServers.start(configs('redis', 'express', redis.ports[0]));
    try {
      const sessions = await startSessions((i, step) => apps.at((i + step) % 3).port);
      await apps.kill(VICTIM);
      const kept = await survivors(sessions, (i) => apps.at(i % 2 === 0 ? 0 : 2).port);
      const row = record('redis', 'express', sessions, kept);
      expect(row.onVictim).toBe(SESSIONS / 3);
      expect(row.survived).toBe(SESSIONS);
    } finally {
      await apps.stop();
      await redis.stop();
    }
  });

  it('cookie: every session survives (the state is in the client)', async () => {
    const apps = await AppServers.start(configs('cookie', 'fastify'));
    try {
      const sessions = await startSessions((i, step) => apps.at((i + step) % 3).port);
      await apps.kill(VICTIM);
      const kept = await survivors(sessions, (i) => apps.at(i % 2 === 0 ? 0 : 2).port);
      const row = record('cookie', 'fastify', sessions, kept);
      expect(row.onVictim).toBe(SESSIONS / 3);
      expect(row.survived).toBe(SESSIONS);
    } finally {
      await apps.stop();
    }
  });
});
