// The global transaction id written into PREPARE TRANSACTION: `cohort:<tm>:<txn>:<participant>`.
// It names the transaction manager (so each manager recovers only its own), the transaction
// (so recovery can look its decision up) and the participant (so two participants that
// happen to be the same database do not collide). PostgreSQL allows 200 bytes; each part is
// at most 100 characters of [A-Za-z0-9_.-] (errors.ts validateId), so parts never contain ':'.
//
// Fault model: pg_prepared_xacts may hold gids of other managers or other software; parseGid
// returns undefined for anything that is not exactly ours.

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

/** A gid as an SQL literal (PREPARE TRANSACTION takes no parameters); gids never hold quotes. */
export const gidLiteral = (gid: string) => `'${gid.replaceAll("'", "''")}'`;
