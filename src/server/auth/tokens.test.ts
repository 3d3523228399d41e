// Simple tokens (tokens.ts) and password hashes (password.ts): tokens learnt from applied
// commands as `<prefix>.<index>`, lookups that wait for the member to apply a token's entry,
// TTL from the last use (a manual clock, no real waiting), invalidation, the size bound and
// malformed tokens; scrypt hashes that check, salts that differ, malformed hashes refused.

import { afterEach, describe, expect, it } from 'vitest';
import { checkPassword, hashPassword } from './password.js';
import { newTokenPrefix, TokenManager } from './tokens.js';

const managers: TokenManager[] = [];
function manager(o: ConstructorParameters<typeof TokenManager>[0] = {}): TokenManager {
  const m = new TokenManager(o);
  managers.push(m);
  return m;
}
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
});

describe('simple tokens', () => {
  it('draws 16-letter prefixes', () => {
    expect(newTokenPrefix()).toMatch(/^[a-zA-Z]{16}$/);
    expect(newTokenPrefix()).not.toBe(newTokenPrefix());
  });

  it('learns tokens from applied commands and hands the proposer its token', async () => {
    const m = manager();
    const mine = m.tokenFor('abc');
    m.onApplied(3, undefined);
    m.onApplied(4, { assign: { prefix: 'abc', user: 'alice' } });
    expect(await mine).toBe('abc.4');
    expect(await m.user('abc.4')).toBe('alice');
    expect(await m.user('abc.3')).toBeUndefined();
    for (const bad of ['', 'abc', 'abc.', 'a.b.4', 'abc.-1', 'abc.x', 'abc.1e3'])
      expect(await m.user(bad)).toBeUndefined();
  });

  it("waits for a token whose entry this member has not applied yet, and gives up when it's late", async () => {
    const m = manager({ waitMs: 50 });
    const pending = m.user('xyz.10');
    m.onApplied(9, undefined);
    m.onApplied(10, { assign: { prefix: 'xyz', user: 'bob' } });
    expect(await pending).toBe('bob');
    // An index that is never applied: refused once the wait ends.
    expect(await m.user('xyz.99')).toBeUndefined();
  });

  it('expires a token TTL after its last use', async () => {
    let now = 0;
    const m = manager({ ttlMs: 100, clock: () => now });
    m.onApplied(1, { assign: { prefix: 't', user: 'u' } });
    now = 90;
    expect(await m.user('t.1')).toBe('u'); // used: lives until 190
    now = 180;
    expect(await m.user('t.1')).toBe('u');
    now = 281;
    expect(await m.user('t.1')).toBeUndefined();
  });

  it("drops a user's tokens, all tokens, and the oldest beyond the bound", async () => {
    const m = manager({ maxTokens: 2 });
    m.onApplied(1, { assign: { prefix: 'a', user: 'u1' } });
    m.onApplied(2, { assign: { prefix: 'b', user: 'u2' } });
    m.onApplied(3, { assign: { prefix: 'c', user: 'u1' } });
    expect(m.size).toBe(2);
    expect(await m.user('a.1')).toBeUndefined();
    m.onApplied(4, { invalidate: 'u1' });
    expect(await m.user('c.3')).toBeUndefined();
    expect(await m.user('b.2')).toBe('u2');
    m.onApplied(5, { clear: true });
    expect(m.size).toBe(0);
  });

  it('a proposer whose entry is not applied in time gets an error, an abandoned one nothing', async () => {
    const m = manager({ waitMs: 20 });
    await expect(m.tokenFor('late')).rejects.toThrow(/not applied/);
    m.tokenFor('gone').catch(() => {});
    m.abandon('gone');
    m.onApplied(1, { assign: { prefix: 'gone', user: 'u' } });
    expect(await m.user('gone.1')).toBe('u');
  });
});

describe('password hashes', () => {
  it('check the right password only, with a salt per hash', async () => {
    const h1 = await hashPassword('secret');
    const h2 = await hashPassword('secret');
    expect(h1).toMatch(/^scrypt\$14\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(await checkPassword('secret', h1)).toBe(true);
    expect(await checkPassword('secret', h2)).toBe(true);
    expect(await checkPassword('Secret', h1)).toBe(false);
    expect(await checkPassword('', await hashPassword(''))).toBe(true);
  });

  it('refuse malformed or hostile hashes without running them', async () => {
    const h = await hashPassword('pw');
    const parts = h.split('$');
    const withPart = (i: number, v: string) => parts.map((p, j) => (j === i ? v : p)).join('$');
    for (const bad of ['', 'pw', withPart(0, 'bcrypt'), withPart(1, '40'), withPart(2, '0')])
      expect(await checkPassword('pw', bad)).toBe(false);
    expect(await checkPassword('pw', withPart(5, 'AAAA'))).toBe(false);
  });
});
