// Typed errors of the outbox (issue 18): the writer's refusals (a bad argument, a payload over
// the limit), the broker's (a publish nacked or unroutable, a connection blocked by an alarm, a
// confirm that never came, no broker at all), and untrusted data (an outbox row that can never
// be published, a delivered message that is not one of ours). Each has a `code`, the message id
// or row it concerns when there is one, and `retryable`: whether the same thing may succeed
// later (the relay retries those; the rest are parked for an operator).
//
// Fault model: rows and deliveries are untrusted; they are validated (validate.ts) and their
// faults become these errors, never exceptions that stop a relay or a consumer.

export type OutboxErrorCode =
  | 'invalid'
  | 'payload-too-large'
  | 'refused'
  | 'unroutable'
  | 'blocked'
  | 'confirm-timeout'
  | 'broker-unavailable'
  | 'bad-row'
  | 'bad-message';

export class OutboxError extends Error {
  readonly code: OutboxErrorCode;
  /** Whether trying the same thing later may succeed. */
  readonly retryable: boolean;
  constructor(
    code: OutboxErrorCode,
    message: string,
    options: { retryable: boolean; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable;
    this.name = new.target.name;
  }
}

/** A caller's argument is malformed (a topic, a header, an option). */
export class OutboxInvalidArgument extends OutboxError {
  constructor(message: string) {
    super('invalid', message, { retryable: false });
  }
}

/** A payload over the outbox's limit: refused before anything is written. */
export class PayloadTooLargeError extends OutboxError {
  constructor(
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super('payload-too-large', `payload of ${bytes} bytes exceeds ${limitBytes}`, {
      retryable: false,
    });
  }
}

/** The broker nacked a publish (e.g. a queue at its limit with reject-publish). */
export class PublishRefusedError extends OutboxError {
  constructor(
    readonly messageId: string,
    cause?: unknown,
  ) {
    super('refused', `the broker refused message ${messageId}`, { retryable: true, cause });
  }
}

/** A mandatory publish that no queue was bound to receive (returned by the broker). */
export class UnroutableError extends OutboxError {
  constructor(
    readonly messageId: string,
    readonly topic: string,
  ) {
    super('unroutable', `no queue is bound for ${topic} (message ${messageId})`, {
      retryable: true,
    });
  }
}

/** The broker blocks publishers (a memory or disk alarm); nothing is published meanwhile. */
export class BrokerBlockedError extends OutboxError {
  constructor(readonly reason: string) {
    super('blocked', `the broker blocks publishers: ${reason}`, { retryable: true });
  }
}

/** Publisher confirms did not all arrive in time: the batch is not marked sent. */
export class ConfirmTimeoutError extends OutboxError {
  constructor(
    readonly unconfirmed: number,
    readonly timeoutMs: number,
  ) {
    super('confirm-timeout', `${unconfirmed} publishes unconfirmed after ${timeoutMs} ms`, {
      retryable: true,
    });
  }
}

/** No connection to the broker (down, refused, closed under us). */
export class BrokerUnavailableError extends OutboxError {
  constructor(message: string, cause?: unknown) {
    super('broker-unavailable', message, { retryable: true, cause });
  }
}

/** An outbox row that can never be published (written around the writer); it is parked. */
export class BadOutboxRowError extends OutboxError {
  constructor(
    readonly rowId: string,
    reason: string,
  ) {
    super('bad-row', `outbox row ${rowId}: ${reason}`, { retryable: false });
  }
}

/** A delivery that is not an outbox message (no id, too large, bad headers); it is rejected. */
export class BadMessageError extends OutboxError {
  constructor(reason: string) {
    super('bad-message', reason, { retryable: false });
  }
}
