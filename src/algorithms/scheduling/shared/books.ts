// A scheduler's books in durable storage: the fields that must survive its crash, written
// by the steps that change them and read back when it restarts. Not the kernel's `durable`
// fields, which encode the durable part on every step: most of a scheduler's steps are
// lease renewals that change nothing, and encoding its books on each was most of a run's
// cost.

import { assert } from '../../../core/assert.js';
import type { Storage } from '../../../core/process.js';

export function saveBooks<S extends object, K extends keyof S & string>(
  storage: Storage,
  key: string,
  s: S,
  fields: readonly K[],
): void {
  const books: Record<string, unknown> = {};
  for (const f of fields) books[f] = s[f];
  storage.set(key, books);
}

/** Restores the fields last saved under `key`; whether there were any. */
export function loadBooks<S extends object, K extends keyof S & string>(
  storage: Storage,
  key: string,
  s: S,
  fields: readonly K[],
): boolean {
  const books = storage.get<Record<string, unknown>>(key);
  if (books === undefined) return false;
  for (const f of fields) {
    assert(f in books, `the books hold ${f}`);
    (s as Record<string, unknown>)[f] = books[f];
  }
  return true;
}
