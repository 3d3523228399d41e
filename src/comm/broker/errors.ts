// The broker's typed errors: one class per condition (the nats client's pattern), each with a
// stable `code` that crosses the wire (the gRPC status's details carry it, client.ts turns it
// back into the same class) and a `retryable` flag. A broker error is an expected outcome of
// bad or stale input — the broker stays up and nothing it stored changes.
//
// Fault model: none of its own; messages may contain client-supplied names, which are
// validated (limits.ts) before they get here, so they are short and printable.

export type BrokerErrorCode =
  | 'invalid-argument'
  | 'unknown-topic'
  | 'topic-exists'
  | 'message-too-large'
  | 'limit-exceeded'
  | 'unknown-member'
  | 'illegal-generation'
  | 'not-assigned'
  | 'stale-delivery'
  | 'offset-out-of-range'
  | 'unknown-transaction'
  | 'not-leader'
  | 'unavailable';

export class BrokerError extends Error {
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BrokerError';
  }
}

/** A request field is malformed: a bad name, a negative count, a missing value. */
export class InvalidArgumentError extends BrokerError {
  constructor(message: string) {
    super('invalid-argument', message);
    this.name = 'InvalidArgumentError';
  }
}

export class UnknownTopicError extends BrokerError {
  constructor(readonly topic: string) {
    super('unknown-topic', `unknown topic '${topic}'`);
    this.name = 'UnknownTopicError';
  }
}

export class TopicExistsError extends BrokerError {
  constructor(readonly topic: string) {
    super('topic-exists', `topic '${topic}' exists with a different configuration`);
    this.name = 'TopicExistsError';
  }
}

export class MessageTooLargeError extends BrokerError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super('message-too-large', `message of ${bytes} bytes exceeds the limit of ${limit}`);
    this.name = 'MessageTooLargeError';
  }
}

/** A bounded table (topics, groups, members, half messages) is full. */
export class LimitExceededError extends BrokerError {
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super('limit-exceeded', `too many ${what} (limit ${limit})`, true);
    this.name = 'LimitExceededError';
  }
}

/** The member left, timed out, or belongs to an earlier broker incarnation: join again. */
export class UnknownMemberError extends BrokerError {
  constructor(readonly memberId: string) {
    super('unknown-member', `unknown member '${memberId}' (left, timed out or restarted)`);
    this.name = 'UnknownMemberError';
  }
}

/** A commit from a generation before the latest rebalance (Kafka's ILLEGAL_GENERATION). */
export class IllegalGenerationError extends BrokerError {
  constructor(
    readonly given: number,
    readonly current: number,
  ) {
    super('illegal-generation', `generation ${given} is stale (current ${current})`);
    this.name = 'IllegalGenerationError';
  }
}

export class NotAssignedError extends BrokerError {
  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    super('not-assigned', `partition ${topic}/${partition} is not assigned to this member`);
    this.name = 'NotAssignedError';
  }
}

/** An ack for a delivery this member no longer holds (timed out, revoked or already acked). */
export class StaleDeliveryError extends BrokerError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
  ) {
    super('stale-delivery', `${topic}/${partition}@${offset} is not in flight to this member`);
    this.name = 'StaleDeliveryError';
  }
}

export class OffsetOutOfRangeError extends BrokerError {
  constructor(
    readonly offset: number,
    readonly end: number,
  ) {
    super('offset-out-of-range', `offset ${offset} is beyond the log end ${end}`);
    this.name = 'OffsetOutOfRangeError';
  }
}

export class UnknownTransactionError extends BrokerError {
  constructor(readonly txId: string) {
    super('unknown-transaction', `unknown transaction '${txId}'`);
    this.name = 'UnknownTransactionError';
  }
}

/**
 * Replicated mode: this broker does not lead the Raft group of `what` (a partition, or the
 * topic metadata); `leader` is the broker id it believes leads (null: an election runs).
 * Retryable: ask the leader, or ask again once one is elected.
 */
export class NotLeaderError extends BrokerError {
  constructor(
    readonly what: string,
    readonly leader: number | null,
  ) {
    super(
      'not-leader',
      `not the leader of ${what}; ${leader === null ? 'no leader yet' : `try broker ${leader}`}`,
      true,
    );
    this.name = 'NotLeaderError';
  }
}

/** The broker cannot serve now (shutting down, its disk failed, not connected). */
export class BrokerUnavailableError extends BrokerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, true, options);
    this.name = 'BrokerUnavailableError';
  }
}

/** Rebuilds the typed error a server sent (by code), for the client. */
export function brokerErrorFromCode(code: string, message: string): BrokerError {
  const known: readonly string[] = [
    'invalid-argument',
    'unknown-topic',
    'topic-exists',
    'message-too-large',
    'limit-exceeded',
    'unknown-member',
    'illegal-generation',
    'not-assigned',
    'stale-delivery',
    'offset-out-of-range',
    'unknown-transaction',
    'not-leader',
    'unavailable',
  ] satisfies readonly BrokerErrorCode[];
  const c = (known.includes(code) ? code : 'unavailable') as BrokerErrorCode;
  const retryable = c === 'unavailable' || c === 'limit-exceeded' || c === 'not-leader';
  const e = new BrokerError(c, message, retryable);
  e.name = ERROR_NAMES[c];
  return e;
}

const ERROR_NAMES: Record<BrokerErrorCode, string> = {
  'invalid-argument': 'InvalidArgumentError',
  'unknown-topic': 'UnknownTopicError',
  'topic-exists': 'TopicExistsError',
  'message-too-large': 'MessageTooLargeError',
  'limit-exceeded': 'LimitExceededError',
  'unknown-member': 'UnknownMemberError',
  'illegal-generation': 'IllegalGenerationError',
  'not-assigned': 'NotAssignedError',
  'stale-delivery': 'StaleDeliveryError',
  'offset-out-of-range': 'OffsetOutOfRangeError',
  'unknown-transaction': 'UnknownTransactionError',
  'not-leader': 'NotLeaderError',
  unavailable: 'BrokerUnavailableError',
};
