// The manager's policy over a memory store: new sessions, no cookie for empty ones, unknown
// and malformed ids never adopted, rolling expiry, destroy and regenerate.

import { describe, expect, it } from 'vitest';
import { SessionDataTooLargeError } from './errors.js';
import { SessionManager } from './manager.js';
import { memoryStore } from './memory-store.js';
import { newSessionId } from './session-id.js';

function setup(options: { ttlMs?: number; touchAfterMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const now = () => clock.now;
  const manager = new SessionManager({
    store: memoryStore({ now }),
    now,
    maxDataBytes: 64,
    ...options,
  });
  return { manager, clock };
}

const cookieOf = (header: string | undefined) => (header ?? '').split(';')[0] as string;

describe('SessionManager', () => {
  it('stores a session only once it holds something, then finds it by its cookie', async () => {
    const { manager } = setup();
    const empty = await manager.load(undefined);
    expect(empty.isNew).toBe(true);
    expect(await manager.commit(empty)).toEqual([]);
    const s = await manager.load(undefined);
    s.set('user', 'ada');
    const [header] = await manager.commit(s);
    expect(header).toMatch(
      /^sid=[A-Za-z0-9_-]{32}; Path=\/; Max-Age=1800; HttpOnly; SameSite=Lax$/,
    );
    const again = await manager.load(cookieOf(header));
    expect(again.isNew).toBe(false);
    expect(again.id).toBe(s.id);
    expect(again.get('user')).toBe('ada');
  });

  it('never adopts an unknown, malformed or oversized id: a new session with a fresh id', async () => {
    const { manager } = setup();
    const unknown = newSessionId();
    for (const cookie of [
      `sid=${unknown}`,
      'sid=short',
      'sid="x"',
      `sid=${'a'.repeat(5000)}`,
      ';;=;',
      'sid',
    ]) {
      const s = await manager.load(cookie);
      expect(s.isNew).toBe(true);
      expect(s.id).not.toBe(unknown);
    }
  });

  it('refuses data over the limit, leaving the session unchanged', async () => {
    const { manager } = setup();
    const s = await manager.load(undefined);
    s.set('a', 'small');
    expect(() => s.set('b', 'x'.repeat(100))).toThrow(SessionDataTooLargeError);
    expect(s.toJSON()).toEqual({ a: 'small' });
  });

  it('rolls the expiry: touched after touchAfterMs, expired after an idle ttl', async () => {
    const { manager, clock } = setup({ ttlMs: 10_000, touchAfterMs: 2_000 });
    const s = await manager.load(undefined);
    s.set('n', 1);
    const cookie = cookieOf((await manager.commit(s))[0]);
    clock.now += 1_000;
    expect(await manager.commit(await manager.load(cookie))).toEqual([]); // Too soon to touch.
    clock.now += 1_000;
    expect(await manager.commit(await manager.load(cookie))).toHaveLength(1); // Touched.
    clock.now += 9_999;
    expect((await manager.load(cookie)).isNew).toBe(false); // Alive thanks to the touch.
    clock.now += 1;
    expect((await manager.load(cookie)).isNew).toBe(true); // Idle for a whole ttl.
  });

  it('destroys: the store forgets and the cookie is cleared', async () => {
    const { manager } = setup();
    const s = await manager.load(undefined);
    s.set('n', 1);
    const cookie = cookieOf((await manager.commit(s))[0]);
    const loaded = await manager.load(cookie);
    loaded.destroy();
    const [clear] = await manager.commit(loaded);
    expect(clear).toMatch(/^sid=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970/);
    expect((await manager.load(cookie)).isNew).toBe(true);
  });

  it('regenerates: same data under a new id, the old id gone', async () => {
    const { manager } = setup();
    const s = await manager.load(undefined);
    s.set('n', 1);
    const before = cookieOf((await manager.commit(s))[0]);
    const loaded = await manager.load(before);
    loaded.regenerate();
    const after = cookieOf((await manager.commit(loaded))[0]);
    expect(after).not.toBe(before);
    expect((await manager.load(after)).get('n')).toBe(1);
    expect((await manager.load(before)).isNew).toBe(true);
  });
});
