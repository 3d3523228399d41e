// A session's data: a plain JSON object, serialized as JSON text wherever it is stored (a
// Redis value, a gossiped version, a sealed cookie). Sizes are measured in UTF-8 bytes of
// that text, the unit every limit here is stated in.
//
// Fault model: stored text comes back from places a bug or an attacker could have touched
// (Redis, a peer's gossip after its MAC, a sealed cookie after its tag): `parseSessionData`
// refuses text over the limit and anything but a JSON object, returning undefined.

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export type SessionData = { [key: string]: JsonValue };

/** Default per-session limit for server-side stores (cookie stores are bound by 4096). */
export const DEFAULT_MAX_DATA_BYTES = 16 * 1024;

export function serializeData(data: SessionData): string {
  return JSON.stringify(data);
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Session data from stored text, or undefined (not JSON, not an object, or too big). */
export function parseSessionData(text: unknown, maxBytes: number): SessionData | undefined {
  if (typeof text !== 'string' || text.length > maxBytes || utf8Bytes(text) > maxBytes)
    return undefined;
  try {
    const data: unknown = JSON.parse(text);
    return isPlainObject(data) ? (data as SessionData) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A JSON value as it would round-trip (a deep copy through JSON), so what a handler stores
 * is exactly what a later request reads; `undefined` for values JSON cannot carry.
 */
export function toJsonValue(value: unknown): JsonValue | undefined {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
}
