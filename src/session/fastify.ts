// Fastify hooks: `fastifySession(app, manager)` gives every route of `app` (and of plugins
// registered on it afterwards) `request.session`. Loaded in onRequest, committed in onSend —
// Fastify's hook that runs before the headers are written — so the Set-Cookie header rides
// on the same reply. Hooks are added to `app` itself (no plugin wrapper), so they cover the
// routes of the context they are added to.
//
// Fault model: a store failure rejects the hook; Fastify answers with the error's statusCode
// (503, SessionStoreUnavailableError). A session is committed once: the error reply passes
// through onSend again and must not retry the store. Size errors come from
// `request.session.set`, inside the handler.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionManager } from './manager.js';
import type { Session } from './session.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set in onRequest by fastifySession; null only if the load failed. */
    session: Session;
  }
}

export function fastifySession(app: FastifyInstance, manager: SessionManager): void {
  const committed = new WeakSet<Session>();
  app.decorateRequest('session', null as unknown as Session);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.session = await manager.load(request.headers.cookie);
  });
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const session = request.session as Session | null;
    if (session === null || committed.has(session)) return payload;
    committed.add(session);
    // Fastify appends to set-cookie rather than replacing it.
    for (const cookie of await manager.commit(session)) reply.header('set-cookie', cookie);
    return payload;
  });
}
