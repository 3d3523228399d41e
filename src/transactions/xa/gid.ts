// The global transaction id written into PREPARE TRANSACTION: `cohort:<tm>:<txn>:<participant>`.
// It names the transaction manager (so each manager recovers only its own), the transaction
// (so recovery can look its decision up) and the participant (so two participants that
// happen to be the same database do not collide). PostgreSQL allows 200 bytes; each part is
// at most 100 characters of [A-Za-z0-9_.-] (errors.ts validateId), so parts never contain ':'.
//
// Fault model: pg_prepared_xacts may hold gids of other managers or other software; parseGid
// returns undefined for anything that is not exactly ours.

import { createHash } from 'node:crypto';

export const GID_PREFIX = 'cohort';
const MAX_GID_BYTES = 200;

export interface Gid {
  readonly tmId: string;
  readonly txnId: string;
  readonly participant: string;
}

export function formatGid(gid: Gid): string {
  const text = `${GID_PREFIX}:${gid.tmId}:${gid.txnId}:${gid.participant}`;
  if (text.length > MAX_GID_BYTES) throw new RangeError(`gid over ${MAX_GID_BYTES} bytes: ${text}`);
  return text;
}

const PART = /^[A-Za-z0-9_.-]{1,100}$/;

export function parseGid(text: string): Gid | undefined {
  const parts = text.split(':');
  if (parts.length !== 4 || parts[0] !== GID_PREFIX) return undefined;
  const [, tmId, txnId, participant] = parts as [string, string, string, string];
  if (!PART.test(tmId) || !PART.test(txnId) || !PART.test(participant)) return undefined;
  return { tmId, txnId, participant };
}

/** The prefix every gid of manager `tmId` starts with. */
export const gidPrefix = (tmId: string) => `${GID_PREFIX}:${tmId}:`;

/**
 * The application_name of a manager's connections: `cohort-xa:<hash of tmId>:<incarnation>`
 * (PostgreSQL keeps 63 bytes of it). Recovery finds a dead incarnation's sessions by it.
 */
export function sessionName(tmId: string, incarnation: string): string {
  return `${sessionFamily(tmId)}${incarnation}`;
}

/** The part of sessionName common to every incarnation of manager `tmId`. */
export function sessionFamily(tmId: string): string {
  return `cohort-xa:${createHash('sha256').update(tmId).digest('hex').slice(0, 16)}:`;
}

/** A gid as an SQL literal (PREPARE TRANSACTION takes no parameters); gids never hold quotes. */
export const gidLiteral = (gid: string) => `'${gid.replaceAll("'", "''")}'`;
