// `cohort node`'s peer-authentication flags → a PeerAuth (runtime/transport/peer-auth.ts).
// Exactly one of: mutual TLS (--peer-cert-file, --peer-key-file, --peer-trusted-ca-file, as
// etcd names them; all three), a cluster secret (--cluster-secret-file), or an explicit
// --insecure-peers. Every mistake is bad usage: one line, exit 2, before the node starts.

import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import type { NodeId } from '../core/process.js';
import { type PeerAuth, PeerAuthError, x509NodeId } from '../runtime/transport/peer-auth.js';
import { readSecretFile } from '../runtime/transport/secret-file.js';
import { UsageError } from './usage-error.js';

export interface PeerAuthFlags {
  readonly peerCertFile?: string;
  readonly peerKeyFile?: string;
  readonly peerTrustedCaFile?: string;
  readonly clusterSecretFile?: string;
  readonly insecurePeers?: boolean;
}

const TLS_FLAGS = ['--peer-cert-file', '--peer-key-file', '--peer-trusted-ca-file'] as const;

function read(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(error as Error).message}`);
  }
}

function tlsAuth(id: NodeId, files: readonly string[]): PeerAuth {
  const [cert, key, ca] = files.map((file, i) => read(TLS_FLAGS[i] as string, file)) as [
    Buffer,
    Buffer,
    Buffer,
  ];
  let named: NodeId | undefined;
  try {
    tls.createSecureContext({ cert, key, ca }); // The key matches the certificate; PEM parses.
    named = x509NodeId(new X509Certificate(cert));
  } catch (error) {
    throw new UsageError(`peer TLS files: ${(error as Error).message}`);
  }
  if (named !== id) {
    throw new UsageError(
      `--peer-cert-file names node ${named ?? 'none'}, not node-${id} (CN or DNS name)`,
    );
  }
  return { kind: 'tls', cert, key, ca };
}

/** The PeerAuth the flags ask for; `warn` hears about --insecure-peers. */
export function peerAuthFromFlags(
  id: NodeId,
  f: PeerAuthFlags,
  warn: (line: string) => void,
): PeerAuth {
  const files = [f.peerCertFile, f.peerKeyFile, f.peerTrustedCaFile];
  const given = files.filter((x) => x !== undefined).length;
  if (given !== 0 && given !== 3) throw new UsageError(`give all of ${TLS_FLAGS.join(', ')}`);
  const ways = [given === 3, f.clusterSecretFile !== undefined, f.insecurePeers === true];
  if (ways.filter(Boolean).length !== 1) {
    throw new UsageError(
      'peers must authenticate: give either --peer-cert-file/--peer-key-file/' +
        '--peer-trusted-ca-file or --cluster-secret-file (or, for a test, --insecure-peers)',
    );
  }
  if (given === 3) return tlsAuth(id, files as string[]);
  if (f.clusterSecretFile !== undefined) {
    try {
      return { kind: 'secret', secret: readSecretFile(f.clusterSecretFile) };
    } catch (error) {
      if (!(error instanceof PeerAuthError)) throw error;
      throw new UsageError(`--cluster-secret-file: ${error.message}`);
    }
  }
  warn('--insecure-peers: any process that can reach this node can speak as any peer');
  return { kind: 'none' };
}
