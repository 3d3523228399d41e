// How the nodes of a cluster prove to each other who they are (TransportOptions.auth):
// - `secret`: every node holds the same cluster secret (≥ 32 bytes); each connection's
//   hello is authenticated by a mutual HMAC challenge–response (handshake.ts has the
//   message sequence). It authenticates the two ENDPOINTS of a connection; the frames after
//   the handshake are neither encrypted nor MACed, so it defends against any local process
//   that can connect to a node's port, not against one that can write into an established
//   TCP stream (root, or an on-path proxy) — use `tls` for that.
// - `tls`: mutual TLS 1.3 with one CA per cluster; a node's certificate names its node id
//   as `node-<id>`, in its subject CN or a DNS subjectAltName (all `node-<n>` names in one
//   certificate must agree, or it names no node). A peer's hello must come from the node its
//   certificate names, and the dialer checks that the acceptor's certificate names the node
//   it meant to reach (instead of a host name: peers are usually addressed by IP).
// - `none`: no authentication, for in-process tests and `cohort node --insecure-peers`.
//
// Fault model: the peer may be anyone that can reach the port; nothing here trusts it.

import { hkdfSync, type X509Certificate } from 'node:crypto';
import type tls from 'node:tls';
import type { NodeId } from '../../core/process.js';

export type PeerAuth =
  | { readonly kind: 'secret'; readonly secret: Buffer }
  | { readonly kind: 'tls'; readonly cert: Buffer; readonly key: Buffer; readonly ca: Buffer }
  | { readonly kind: 'none' };

export const MIN_SECRET_BYTES = 32;

/** A setup mistake in a PeerAuth (our caller's, so the CLI reports it as bad usage). */
export class PeerAuthError extends Error {
  override readonly name = 'PeerAuthError';
}

/** The key the handshake MACs with: derived, so the raw secret is used for nothing else. */
export function handshakeKey(secret: Buffer): Buffer {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new PeerAuthError(
      `cluster secret of ${secret.length} bytes; at least ${MIN_SECRET_BYTES} are needed`,
    );
  }
  return Buffer.from(hkdfSync('sha256', secret, 'cohort', 'peer handshake', 32));
}

const NODE_NAME = /^node-([1-9]\d{0,8})$/;

/** The node id a certificate names (see the header), or undefined when it names none. */
export function certificateNodeId(
  commonName: string | undefined,
  subjectAltName: string | undefined,
): NodeId | undefined {
  const names = [commonName ?? ''];
  for (const part of (subjectAltName ?? '').split(',')) {
    const m = /^\s*DNS:(.*)$/.exec(part);
    if (m !== null) names.push((m[1] as string).trim());
  }
  const ids = new Set(names.flatMap((n) => NODE_NAME.exec(n)?.[1] ?? []).map(Number));
  return ids.size === 1 ? (ids.values().next().value as NodeId) : undefined;
}

/** The node id of a peer certificate as node:tls reports it. */
export function peerCertificateNodeId(cert: tls.PeerCertificate): NodeId | undefined {
  const cn = cert.subject?.CN;
  return certificateNodeId(Array.isArray(cn) ? undefined : cn, cert.subjectaltname);
}

/** The node id of a parsed certificate (to check our own before we start). */
export function x509NodeId(cert: X509Certificate): NodeId | undefined {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  return certificateNodeId(cn, cert.subjectAltName);
}

type TlsAuth = Extract<PeerAuth, { kind: 'tls' }>;

function common(auth: TlsAuth) {
  return { cert: auth.cert, key: auth.key, ca: auth.ca, minVersion: 'TLSv1.3' as const };
}

export function tlsServerOptions(auth: TlsAuth): tls.TlsOptions {
  return { ...common(auth), requestCert: true, rejectUnauthorized: true };
}

/** Dialling `peer`: its certificate must name it (checked in place of the host name). */
export function tlsClientOptions(auth: TlsAuth, peer: NodeId): tls.ConnectionOptions {
  return {
    ...common(auth),
    rejectUnauthorized: true,
    checkServerIdentity: (_host, cert) => {
      const named = peerCertificateNodeId(cert);
      if (named === peer) return undefined;
      return new Error(`certificate names node ${named ?? 'none'}, expected node-${peer}`);
    },
  };
}
