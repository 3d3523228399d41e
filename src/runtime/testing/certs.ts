// Test certificates for mutual TLS, made with the `openssl` command at test time (no private
// key is committed): one CA per call, and node certificates signed by it that name
// `node-<id>` in their CN and a DNS subjectAltName (transport/peer-auth.ts).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  readonly dir: string;
  readonly ca: Buffer;
  /** A certificate and key signed by this CA, naming `name` (e.g. 'node-2'). */
  issue(name: string): { cert: Buffer; key: Buffer; certFile: string; keyFile: string };
}

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-pki-'));
  const ca = ['-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=cohort-test-ca', '-days', '2'];
  openssl(dir, ['req', '-x509', ...EC, ...ca]);
  return {
    dir,
    ca: fs.readFileSync(path.join(dir, 'ca.crt')),
    issue(name) {
      const base = `${name}-${fs.readdirSync(dir).length}`;
      fs.writeFileSync(path.join(dir, `${base}.ext`), `subjectAltName=DNS:${name}\n`);
      openssl(dir, [
        'req',
        ...EC,
        '-keyout',
        `${base}.key`,
        '-out',
        `${base}.csr`,
        '-subj',
        `/CN=${name}`,
      ]);
      openssl(dir, [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.crt`,
      ]);
      const certFile = path.join(dir, `${base}.crt`);
      const keyFile = path.join(dir, `${base}.key`);
      return {
        cert: fs.readFileSync(certFile),
        key: fs.readFileSync(keyFile),
        certFile,
        keyFile,
      };
    },
  };
}
