// Digests and the signed payloads of PBFT. A digest is SHA-256 over the request's canonical
// text; signatures come from the run's SignatureScheme (Ed25519 by default, see
// ../signed-messages/signature-scheme.ts for why it is an interface).

import { createHash } from 'node:crypto';
import type { SignatureScheme } from '../signed-messages/signature-scheme.js';
import type { PrePrepare, Prepare, Prepared, Request, ViewChange } from './messages.js';

export const NULL_DIGEST = 'null';

export function digestOf(r: Request | null): string {
  if (r === null) return NULL_DIGEST;
  return createHash('sha256').update(`${r.client}:${r.t}:${r.op}`).digest('hex');
}

export function prePreparePayload(p: Omit<PrePrepare, 'sig' | 'request'>): string {
  return `pre-prepare|${p.view}|${p.seq}|${p.digest}`;
}

export function preparePayload(p: Omit<Prepare, 'sig'>): string {
  return `prepare|${p.view}|${p.seq}|${p.digest}|${p.replica}`;
}

function certText(c: Prepared): string {
  const pp = c.prePrepare;
  const prepares = c.prepares.map((p) => `${p.replica}:${p.sig}`).join(',');
  return `${pp.view}/${pp.seq}/${pp.digest}/${pp.sig}/${prepares}`;
}

export function viewChangePayload(v: Omit<ViewChange, 'sig'>): string {
  return `view-change|${v.newView}|${v.replica}|${v.prepared.map(certText).join(';')}`;
}

/** The primary of a view: replicas are 1..n, view 0's primary is replica 1. */
export function primaryOf(view: number, n: number): number {
  return (view % n) + 1;
}

export interface Checks {
  readonly scheme: SignatureScheme;
  readonly n: number;
  readonly f: number;
}

export function validPrePrepare(c: Checks, p: PrePrepare): boolean {
  return (
    p.digest === digestOf(p.request) &&
    c.scheme.verify(primaryOf(p.view, c.n), prePreparePayload(p), p.sig)
  );
}

export function validPrepare(c: Checks, p: Prepare): boolean {
  return (
    p.replica !== primaryOf(p.view, c.n) && c.scheme.verify(p.replica, preparePayload(p), p.sig)
  );
}

/** A prepared certificate: a valid pre-prepare and 2f valid, matching, distinct prepares. */
export function validPrepared(c: Checks, cert: Prepared): boolean {
  const pp = cert.prePrepare;
  if (!validPrePrepare(c, pp)) return false;
  const from = new Set<number>();
  for (const p of cert.prepares) {
    if (p.view !== pp.view || p.seq !== pp.seq || p.digest !== pp.digest) return false;
    if (from.has(p.replica) || !validPrepare(c, p)) return false;
    from.add(p.replica);
  }
  return from.size >= 2 * c.f;
}

export function validViewChange(c: Checks, v: ViewChange): boolean {
  return (
    c.scheme.verify(v.replica, viewChangePayload(v), v.sig) &&
    v.prepared.every((cert) => validPrepared(c, cert))
  );
}
