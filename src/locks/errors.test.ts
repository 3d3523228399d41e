// Argument validation and the error classes: every bad argument is refused with
// InvalidLockArgument before a backend sees it; each failure has its own code.

import { describe, expect, it } from 'vitest';
import {
  abortReason,
  BackendUnavailableError,
  InvalidLockArgument,
  LockAbortedError,
  LockError,
  LockLostError,
  MAX_TTL_MS,
  MAX_WAIT_MS,
  NotAcquiredError,
  NotOwnerError,
  validateLimit,
  validateLockName,
  validateOwner,
  validateTtl,
  validateWait,
} from './errors.js';
import { resolveAcquireOptions, resolveLockSpec, validUntilOf } from './lock.js';

describe('validateLockName', () => {
  it.each<[unknown, string]>([
    ['', 'empty'],
    ['x'.repeat(257), '257 bytes'],
    ['é'.repeat(129), '258 bytes of UTF-8 in 129 characters'],
    ['a\0b', 'NUL'],
    ['a\uD800b', 'a lone surrogate'],
    [42, 'a number'],
    [undefined, 'undefined'],
  ])('refuses %j (%s)', (name) => {
    expect(() => validateLockName(name)).toThrow(InvalidLockArgument);
  });

  it.each([['a'], ['x'.repeat(256)], ['é'.repeat(128)], ['🔒/orders/42'], ['with/slash']])(
    'accepts %j',
    (name) => {
      expect(validateLockName(name)).toBe(name);
    },
  );

  it('applies the same rules to owners', () => {
    expect(() => validateOwner('')).toThrow(InvalidLockArgument);
    expect(validateOwner('worker-1')).toBe('worker-1');
  });
});

describe('durations and limits', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_TTL_MS + 1, '100', null])(
    'refuses ttl %s',
    (ms) => {
      expect(() => validateTtl(ms)).toThrow(InvalidLockArgument);
    },
  );
  it('accepts ttls from 1 ms to 24 h', () => {
    expect(validateTtl(1)).toBe(1);
    expect(validateTtl(86_400_000)).toBe(86_400_000);
  });
  it('accepts waits from 0 to the timer limit only', () => {
    expect(validateWait(0)).toBe(0);
    expect(validateWait(MAX_WAIT_MS)).toBe(MAX_WAIT_MS);
    for (const bad of [-1, 0.5, MAX_WAIT_MS + 1, Number.NaN]) {
      expect(() => validateWait(bad)).toThrow(InvalidLockArgument);
    }
  });
  it('accepts limits 1..65536', () => {
    expect(validateLimit(1)).toBe(1);
    expect(validateLimit(65_536)).toBe(65_536);
    for (const bad of [0, -3, 2.5, 65_537, '2']) {
      expect(() => validateLimit(bad)).toThrow(InvalidLockArgument);
    }
  });
});

describe('resolveLockSpec / resolveAcquireOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveLockSpec('a')).toEqual({ name: 'a', mode: 'exclusive', limit: 1 });
    expect(resolveLockSpec({ name: 'a', mode: 'read' })).toEqual({
      name: 'a',
      mode: 'read',
      limit: 1,
    });
    expect(resolveLockSpec({ name: 's', limit: 3 })).toEqual({
      name: 's',
      mode: 'exclusive',
      limit: 3,
    });
  });
  it('refuses unknown modes and read/write semaphores', () => {
    expect(() => resolveLockSpec({ name: 'a', mode: 'shared' as 'read' })).toThrow(
      InvalidLockArgument,
    );
    expect(() => resolveLockSpec({ name: 'a', mode: 'read', limit: 2 })).toThrow(
      InvalidLockArgument,
    );
    expect(() => resolveLockSpec('')).toThrow(InvalidLockArgument);
  });
  it('validates acquire options and defaults the owner', () => {
    expect(resolveAcquireOptions({ ttlMs: 10 }, 'me')).toEqual({
      ttlMs: 10,
      waitMs: undefined,
      signal: undefined,
      owner: 'me',
    });
    expect(() => resolveAcquireOptions({ ttlMs: 0 }, 'me')).toThrow(InvalidLockArgument);
    expect(() => resolveAcquireOptions({ ttlMs: 10, waitMs: -1 }, 'me')).toThrow(
      InvalidLockArgument,
    );
    expect(() => resolveAcquireOptions({ ttlMs: 10, owner: '' }, 'me')).toThrow(
      InvalidLockArgument,
    );
    const notASignal = {} as AbortSignal;
    expect(() => resolveAcquireOptions({ ttlMs: 10, signal: notASignal }, 'me')).toThrow(
      InvalidLockArgument,
    );
  });
  it('validity is the TTL minus 1 % and 2 ms of drift', () => {
    expect(validUntilOf(1000, 10_000)).toBe(1000 + 10_000 - 102);
  });
});

describe('error classes', () => {
  it('have distinct codes under one base class', () => {
    const errors = [
      new NotAcquiredError('x'),
      new LockLostError('x'),
      new BackendUnavailableError('x', { cause: new Error('econnrefused') }),
      new NotOwnerError('x'),
      new InvalidLockArgument('x'),
      new LockAbortedError(),
    ];
    for (const e of errors) expect(e).toBeInstanceOf(LockError);
    expect(errors.map((e) => e.code)).toEqual([
      'not-acquired',
      'lost',
      'unavailable',
      'not-yours',
      'invalid',
      'aborted',
    ]);
    expect(errors.map((e) => e.name)).toContain('BackendUnavailableError');
    expect((errors[2]!.cause as Error).message).toBe('econnrefused');
  });
  it('an aborted wait rejects with the signal’s own reason', () => {
    const c = new AbortController();
    c.abort('mine');
    expect(abortReason(c.signal)).toBe('mine');
  });
});
