// Typed errors of cohort/transactions (issue 18), shared by XA, TCC and sagas. Every error
// names the transaction it concerns (`txnId`) and carries a `code`, so a caller can tell
// "we rolled it back" (aborted) from "a participant failed or hung" (participant, timeout)
// from "the decision is taken but not yet applied everywhere" (in-doubt) from "that id means
// nothing here" (unknown) from "you called it wrongly" (invalid) and from TCC's "try after
// cancel" (suspended). A participant's own error is the `cause`.
//
// Fault model: ids, names and arguments may come from untrusted callers; they are validated
// (validateId) before any participant or log sees them.

export type TransactionErrorCode =
  | 'aborted'
  | 'participant'
  | 'timeout'
  | 'in-doubt'
  | 'unknown'
  | 'invalid'
  | 'suspended'
  | 'conflict';

export class TransactionError extends Error {
  readonly code: TransactionErrorCode;
  /** The transaction (XA), global transaction (TCC) or saga this error is about. */
  readonly txnId: string;
  constructor(
    code: TransactionErrorCode,
    txnId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} [txn ${txnId}]`, options);
    this.code = code;
    this.txnId = txnId;
    this.name = new.target.name;
  }
}

/** The transaction was rolled back (every participant's work undone); `cause` says why. */
export class TransactionAbortedError extends TransactionError {
  constructor(txnId: string, message: string, options?: { cause?: unknown }) {
    super('aborted', txnId, message, options);
  }
}

/** A participant failed: refused a statement, answered garbage or dropped the connection. */
export class ParticipantError extends TransactionError {
  constructor(
    txnId: string,
    readonly participant: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('participant', txnId, `participant ${participant}: ${message}`, options);
  }
}

/** A participant did not answer within its time limit (it hangs or is unreachable). */
export class ParticipantTimeoutError extends TransactionError {
  constructor(
    txnId: string,
    readonly participant: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      'timeout',
      txnId,
      `participant ${participant} did not answer in ${timeoutMs} ms`,
      options,
    );
  }
}

/**
 * The outcome is decided and durable but not yet applied at `pending` participants (they are
 * down or hang); recovery applies it. The transaction is NOT undecided: `decision` says which.
 */
export class InDoubtError extends TransactionError {
  constructor(
    txnId: string,
    readonly decision: 'commit' | 'rollback',
    readonly pending: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      'in-doubt',
      txnId,
      `decided ${decision}, not yet applied at ${pending.join(', ')}; recovery finishes it`,
      options,
    );
  }
}

export class UnknownTransactionError extends TransactionError {
  constructor(txnId: string, what = 'no such transaction') {
    super('unknown', txnId, what);
  }
}

export class InvalidTransactionArgument extends TransactionError {
  constructor(txnId: string, message: string) {
    super('invalid', txnId, message);
  }
}

/** TCC: a Try that arrived after its Cancel (Seata's "suspension"); it is refused. */
export class SuspendedTryError extends TransactionError {
  constructor(
    txnId: string,
    readonly branch: string,
  ) {
    super('suspended', txnId, `try of branch ${branch} refused: the branch was already cancelled`);
  }
}

/** TCC: confirm of a cancelled branch or cancel of a confirmed one. */
export class BranchConflictError extends TransactionError {
  constructor(
    txnId: string,
    readonly branch: string,
    message: string,
  ) {
    super('conflict', txnId, `branch ${branch}: ${message}`);
  }
}

/** Ids and names: printable, short, safe inside a gid and a log key. */
const ID_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

/** Validates an id or a name given by a caller; `txnId` is the transaction to blame. */
export function validateId(txnId: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value))
    throw new InvalidTransactionArgument(
      typeof txnId === 'string' && ID_PATTERN.test(txnId) ? txnId : '?',
      `${what} must be 1-100 characters of A-Z a-z 0-9 _ . - (got ${describe(value)})`,
    );
  return value;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
