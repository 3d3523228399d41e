// Cookie sessions (notes 003, "Cookie Based"): the whole session travels in the cookie,
// sealed with AES-256-GCM (seal.ts) so the client can neither read nor change it, with its
// expiry inside the sealed payload — a cookie replayed after its expiry is refused even if
// the browser kept it. No server holds anything, so any server can die.
//
// The notes' costs are kept visible: the size limit (a cookie is at most 4096 bytes; the
// manager refuses a bigger one with CookieTooLargeError, never truncates), bandwidth (the
// cookie rides on every request), and that a sealed session cannot be revoked before its
// expiry — `destroy` clears the client's cookie, but a copy kept elsewhere stays valid until
// its sealed expiry (keep ttls short, or rotate the keys).
//
// Fault model: the cookie is the client's; anything that does not unseal, parse and carry
// a future expiry is no session (undefined). Payloads are bounded by the cookie limit.

import { COOKIE_MAX_BYTES } from './cookie.js';
import { parseSessionData, type SessionData } from './data.js';
import { createSealer, type KeyMaterial } from './seal.js';
import { isSessionId, type SessionId } from './session-id.js';
import type { SessionStore, StoredSession } from './store.js';

export interface CookieStoreOptions {
  /** Newest first: the first key seals; all of them unseal (rotation). */
  readonly keys: readonly KeyMaterial[];
  readonly now?: () => number;
}

/** The sealed payload: `{"i":id,"e":expiresAtMs,"d":data}`. */
interface Payload {
  readonly i: SessionId;
  readonly e: number;
  readonly d: SessionData;
}

// `{"i":"` + id + `","e":` + expiry (≤ 16 digits) + `,"d":` + data + `}`.
const PAYLOAD_OVERHEAD_BYTES = 6 + 32 + 6 + 16 + 5 + 1;

function payloadText(s: StoredSession, dataText: string): string {
  return `{"i":${JSON.stringify(s.id)},"e":${Math.floor(s.expiresAtMs)},"d":${dataText}}`;
}

function parsePayload(text: string): Payload | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { i, e, d } = raw as Record<string, unknown>;
  if (!isSessionId(i) || !Number.isSafeInteger(e)) return undefined;
  const data = parseSessionData(JSON.stringify(d), COOKIE_MAX_BYTES);
  return data === undefined ? undefined : { i, e: e as number, d: data };
}

export function cookieStore(options: CookieStoreOptions): SessionStore {
  const sealer = createSealer(options.keys);
  const now = options.now ?? Date.now;
  const seal = async (s: StoredSession, dataText: string): Promise<string> =>
    sealer.seal(payloadText(s, dataText));
  return {
    carries: 'state',
    async load(cookieValue) {
      const text = sealer.unseal(cookieValue);
      const payload = text === undefined ? undefined : parsePayload(text);
      if (payload === undefined || payload.e <= now()) return undefined;
      return { id: payload.i, data: payload.d, expiresAtMs: payload.e };
    },
    save: seal,
    touch: seal,
    // Nothing is held here; the manager clears the client's cookie.
    destroy: async () => {},
    cookieValueBytes: (dataBytes) => sealer.sealedLength(PAYLOAD_OVERHEAD_BYTES + dataBytes),
    close: async () => {},
  };
}
