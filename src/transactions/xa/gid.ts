// The global transaction id written into PREPARE TRANSACTION: `cohort:<tm>:<txn>:<participant>`.
// It names the transaction manager (so each manager recovers only its own), the transaction
// (so recovery can look its decision up) and the participant (so two participants that
// happen to be the same database do not collide). PostgreSQL allows 200 bytes; each part is
// at most 100 characters of [A-Za-z0-9_.-] (errors.ts validateId), so parts never contain ':'.
//
// A transaction committed through a last resource (last-resource.ts) appends two parts,
// `:<last participant>:<its transaction id>`: the decision is that transaction's own commit,
// so recovery reads the outcome from the last participant (pg_xact_status) by this id.
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
  /** The last resource whose local commit is the decision (last-resource.ts), if any. */
  readonly decidedBy?: LastResourceXid | undefined;
}

/** A last resource's participant name and its transaction's id (`pg_current_xact_id()`). */
export interface LastResourceXid {
  readonly participant: string;
  readonly xid: string;
}

export function formatGid(gid: Gid): string {
  const by =
    gid.decidedBy === undefined ? '' : `:${gid.decidedBy.participant}:${gid.decidedBy.xid}`;
  const text = `${GID_PREFIX}:${gid.tmId}:${gid.txnId}:${gid.participant}${by}`;
  if (text.length > MAX_GID_BYTES) throw new RangeError(`gid over ${MAX_GID_BYTES} bytes: ${text}`);
  return text;
}

const PART = /^[A-Za-z0-9_.-]{1,100}$/;
/** An xid8: a 64-bit transaction id in decimal. */
const XID = /^[0-9]{1,20}$/;

export function parseGid(text: string): Gid | undefined {
  const parts = text.split(':');
  if ((parts.length !== 4 && parts.length !== 6) || parts[0] !== GID_PREFIX) return undefined;
  const [, tmId = '', txnId = '', participant = '', last, xid] = parts;
  if (!PART.test(tmId) || !PART.test(txnId) || !PART.test(participant)) return undefined;
  if (last === undefined || xid === undefined) return { tmId, txnId, participant };
  if (!PART.test(last) || !XID.test(xid)) return undefined;
  return { tmId, txnId, participant, decidedBy: { participant: last, xid } };
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
