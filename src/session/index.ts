// Distributed sessions (issue 19; notes 003 "分布式session"): the four designs behind one
// SessionStore interface, with middleware for Express and Fastify — sticky sessions (memory
// stores behind a balancer routing by session id on a consistent-hash ring), replication
// between app servers by push-pull gossip, a central store on Redis, and sealed (AES-256-GCM)
// cookie sessions within the browser's 4096-byte limit. See docs/sessions.md.
//
// Fault model: see each module; cookies and peers are untrusted (a bad cookie is a new
// session, a bad peer message a drop), the caller's mistakes are InvalidSessionArgument.

export {
  COOKIE_MAX_BYTES,
  type CookieAttributes,
  readCookie,
  type SameSite,
  serializeCookie,
} from './cookie.js';
export { type CookieStoreOptions, cookieStore } from './cookie-store.js';
export { DEFAULT_MAX_DATA_BYTES, type JsonValue, type SessionData } from './data.js';
export {
  CookieTooLargeError,
  InvalidSessionArgument,
  SessionDataTooLargeError,
  SessionError,
  type SessionErrorCode,
  SessionStoreUnavailableError,
} from './errors.js';
export { type ExpressSessionOptions, expressSession } from './express.js';
export { fastifySession } from './fastify.js';
export {
  DEFAULT_COOKIE_NAME,
  DEFAULT_TTL_MS,
  SessionManager,
  type SessionOptions,
} from './manager.js';
export {
  DEFAULT_MAX_SESSIONS,
  type MemoryRecordsOptions,
  memoryRecords,
  memoryStore,
} from './memory-store.js';
export { type RedisStoreOptions, redisRecords, redisStore } from './redis-store.js';
export {
  type ReplicaPeer,
  ReplicatedSessionStore,
  type ReplicatedStoreOptions,
  type ReplicationStats,
} from './replicated/replicated-store.js';
export { type KeyMaterial, MIN_SECRET_LENGTH } from './seal.js';
export { Session } from './session.js';
export { isSessionId, newSessionId, type SessionId } from './session-id.js';
export {
  BACKEND_HEADER,
  type Backend,
  StickyBalancer,
  type StickyBalancerOptions,
} from './sticky/balancer.js';
export { homeIdMinter, stickyRing } from './sticky/sticky-ring.js';
export {
  type RecordStoreOptions,
  recordStore,
  type SessionRecord,
  type SessionRecords,
  type SessionStore,
  type StoredSession,
} from './store.js';
