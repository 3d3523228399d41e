// The cluster secret on disk (`--cluster-secret-file`). The secret is the file's bytes, less
// one trailing newline (so `openssl rand -hex 32 > FILE` works); at least 32 bytes. A file
// that group or others may read or write is refused, as ssh refuses such a private key: a
// secret every local user can read stops no local process.
//
// Fault model: the file may be missing, unreadable, too short or too open; each is a
// PeerAuthError with one line naming the file. Generation writes with O_EXCL and mode 0600,
// so two launchers racing on one data directory end up sharing one secret.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { MIN_SECRET_BYTES, PeerAuthError } from './peer-auth.js';

export function readSecretFile(file: string): Buffer {
  let bytes: Buffer;
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new PeerAuthError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8);
    throw new PeerAuthError(`${file} is open to group or others (mode ${octal}): chmod 600 it`);
  }
  const secret = bytes.at(-1) === 0x0a ? bytes.subarray(0, -1) : bytes;
  if (secret.length < MIN_SECRET_BYTES) {
    throw new PeerAuthError(
      `${file} holds ${secret.length} bytes; a cluster secret needs at least ${MIN_SECRET_BYTES}`,
    );
  }
  return secret;
}

/** Writes a fresh random secret (32 bytes, as 64 hex digits) unless `file` exists. */
export function ensureSecretFile(file: string): void {
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
