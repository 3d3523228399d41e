// Password hashes for the auth store. etcd uses bcrypt (cost 10); Cohort uses node:crypto's
// scrypt (N=2^14, r=8, p=1 — about bcrypt-10's cost here) with a 16-byte random salt per
// user, so etcd's data files and ours are not interchangeable, but the API behaves the same.
// Hashing happens at the member that receives UserAdd/UserChangePassword, BEFORE the command
// is proposed: the replicated machine stores the string and stays cheap and deterministic,
// and no plain password reaches the log. Checking happens at the member that receives
// Authenticate. Both run on libuv's thread pool (async scrypt), not the event loop.
//
// Format: `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`.
//
// Fault model: a stored hash may come from a peer's snapshot: it is parsed with bounded
// parameters (a hostile N cannot make a check take minutes or gigabytes); a malformed one
// never matches any password.

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const LOG_N = 14;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Largest accepted parameters when checking (2^17 × 8 × 128 B = 128 MiB). */
const MAX_LOG_N = 17;
const MAX_R = 16;
const MAX_P = 4;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number) {
  return new Promise<Buffer>((resolve, reject) => {
    const N = 2 ** logN;
    const maxmem = 256 * N * r + 1024 * 1024;
    scrypt(password, salt, KEY_BYTES, { N, r, p, maxmem }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

/** A fresh hash of `password` (random salt). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, LOG_N, R, P);
  return ['scrypt', LOG_N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches `stored`; false for anything malformed. */
export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const ok = (x: number, max: number) => Number.isInteger(x) && x >= 1 && x <= max;
  if (!ok(logN, MAX_LOG_N) || !ok(r, MAX_R) || !ok(p, MAX_P)) return false;
  const salt = Buffer.from(parts[4] as string, 'base64');
  const expected = Buffer.from(parts[5] as string, 'base64');
  if (salt.length === 0 || expected.length !== KEY_BYTES) return false;
  const key = await derive(password, salt, logN, r, p);
  return timingSafeEqual(key, expected);
}
