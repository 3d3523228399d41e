// Sealed cookie sessions: round trips, key rotation, tampering, expiry, garbage input, and
// the 4096-byte limit refused with a typed error at the exact boundary (never truncated).

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COOKIE_MAX_BYTES } from './cookie.js';
import { cookieStore } from './cookie-store.js';
import { CookieTooLargeError, InvalidSessionArgument } from './errors.js';
import { SessionManager } from './manager.js';
import { createSealer } from './seal.js';
import { newSessionId } from './session-id.js';

const K1 = 'k1-0123456789abcdef0123456789abcdef';
const K2 = 'k2-0123456789abcdef0123456789abcdef';

function cookieValue(setCookie: string): string {
  return (setCookie.split(';')[0] as string).split('=')[1] as string;
}

describe('seal', () => {
  it('round-trips and fails closed on every flipped byte', () => {
    const sealer = createSealer([K1]);
    const sealed = sealer.seal('{"hello":"world"}');
    expect(sealer.unseal(sealed)).toBe('{"hello":"world"}');
    expect(sealed.length).toBe(sealer.sealedLength(17));
    const raw = Buffer.from(sealed, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i] = (bad[i] as number) ^ 0x01;
      expect(sealer.unseal(bad.toString('base64url'))).toBeUndefined();
    }
  });

  it('rotates keys: the newest seals, every listed key unseals, a dropped key does not', () => {
    const old = createSealer([K1]).seal('a');
    const rotated = createSealer([K2, K1]);
    expect(rotated.unseal(old)).toBe('a');
    const fresh = rotated.seal('b');
    expect(createSealer([K2]).unseal(fresh)).toBe('b');
    expect(createSealer([K1]).unseal(fresh)).toBeUndefined();
    expect(createSealer([K2]).unseal(old)).toBeUndefined();
  });

  it('never throws on garbage', () => {
    const sealer = createSealer([randomBytes(32)]);
    for (const junk of ['', 'x', '!!!!', 'A'.repeat(4000), randomBytes(100).toString('base64url')])
      expect(sealer.unseal(junk)).toBeUndefined();
  });

  it('refuses weak or duplicate keys', () => {
    expect(() => createSealer([])).toThrow(InvalidSessionArgument);
    expect(() => createSealer(['short'])).toThrow(InvalidSessionArgument);
    expect(() => createSealer([randomBytes(16)])).toThrow(InvalidSessionArgument);
    expect(() => createSealer([K1, K1])).toThrow(InvalidSessionArgument);
  });
});

describe('cookieStore', () => {
  it('keeps the expiry inside the seal: an expired cookie is no session', async () => {
    let now = 1_000_000;
    const store = cookieStore({ keys: [K1], now: () => now });
    const id = newSessionId();
    const value = await store.save({ id, data: { n: 1 }, expiresAtMs: now + 5_000 }, '{"n":1}');
    expect(await store.load(value)).toEqual({ id, data: { n: 1 }, expiresAtMs: now + 5_000 });
    now += 5_000;
    expect(await store.load(value)).toBeUndefined();
  });

  it('refuses a cookie over 4096 bytes with CookieTooLargeError and keeps the session', async () => {
    const manager = new SessionManager({ store: cookieStore({ keys: [K1] }) });
    const session = await manager.load(undefined);
    // Grow one value byte by byte until set refuses: the last accepted one must commit
    // within the limit, and the refusal must leave the session as it was.
    let size = 2000;
    for (;;) {
      try {
        session.set('blob', 'x'.repeat(size));
      } catch (error) {
        expect(error).toBeInstanceOf(CookieTooLargeError);
        expect((error as CookieTooLargeError).sizeBytes).toBeGreaterThan(COOKIE_MAX_BYTES);
        break;
      }
      size++;
    }
    expect(session.get('blob')).toBe('x'.repeat(size - 1));
    const [header] = await manager.commit(session);
    expect(header?.length).toBeLessThanOrEqual(COOKIE_MAX_BYTES);
    expect(header?.length).toBeGreaterThan(COOKIE_MAX_BYTES - 8); // The bound is tight.
    const back = await manager.load(`sid=${cookieValue(header as string)}`);
    expect(back.get('blob')).toBe('x'.repeat(size - 1));
  });
});
