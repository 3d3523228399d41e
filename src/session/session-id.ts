// Session ids: 192 random bits from the OS's CSPRNG (crypto.randomBytes), base64url without
// padding — 32 characters. OWASP asks for at least 64 bits of entropy; 192 leaves guessing
// a live id out of reach for any number of sessions.
//
// Fault model: ids arrive in cookies, i.e. from anyone. `isSessionId` is the one gate: a
// value of the wrong length or alphabet is not an id (the caller starts a new session).

import { randomBytes } from 'node:crypto';

export type SessionId = string & { readonly __sessionId: unique symbol };

export const SESSION_ID_BYTES = 24;
export const SESSION_ID_LENGTH = 32; // base64url of 24 bytes, no padding.
const ID_SHAPE = /^[A-Za-z0-9_-]{32}$/;

export function newSessionId(): SessionId {
  return randomBytes(SESSION_ID_BYTES).toString('base64url') as SessionId;
}

export function isSessionId(x: unknown): x is SessionId {
  return typeof x === 'string' && x.length === SESSION_ID_LENGTH && ID_SHAPE.test(x);
}
