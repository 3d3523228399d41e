// Bearer tokens of the local HTTP APIs (a node's client API, the launcher's control API):
// 32 random bytes in hex, kept in a file only its owner can read (0600), so whoever may
// read the data directory may drive the node and nobody else on the machine can.
//
// Fault model: the process may die at any instant, so a token file is written atomically
// (temporary file, fsync, rename, fsync of the directory): a reader sees the old token or
// the new one, never a torn one. A token file given by a user is untrusted: it is checked
// for a sane shape and refused with a reason.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The token file's name in a node's directory (`<data-dir>/node-N/api.token`). */
export const API_TOKEN_FILE = 'api.token';

/** Printable ASCII without spaces, long enough to resist guessing. */
const TOKEN_SHAPE = /^[\x21-\x7e]{16,512}$/;

export class TokenFileError extends Error {}

export function newApiToken(): string {
  return randomBytes(32).toString('hex');
}

/** Writes `token` to `file` with mode 0600, atomically. */
export function writeTokenFile(file: string, token: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.rmSync(temp, { force: true }); // A leftover could carry a wider mode than ours.
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, `${token}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  const dir = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}

/** The token in `file` (one line); TokenFileError with the reason when unusable. */
export function readTokenFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new TokenFileError(`cannot read token file ${file}: ${(error as Error).message}`);
  }
  const token = text.replace(/\r?\n$/, '');
  if (!TOKEN_SHAPE.test(token)) {
    throw new TokenFileError(
      `token file ${file} must hold one line of 16..512 printable characters without spaces`,
    );
  }
  return token;
}

/** The header a client sends. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/**
 * Does an Authorization header carry `token`? Both sides are hashed first so the
 * comparison takes the same time whatever the length or content of the guess.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  if (m === null) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(m[1] as string), digest(token));
}
