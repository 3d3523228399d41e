// What an outbox message may look like, checked in one place by the writer (a caller's
// argument: OutboxInvalidArgument, PayloadTooLargeError), the relay (a row read back from the
// table, which anyone with SQL access could have written: BadOutboxRowError) and the consumer
// (a delivery, which anyone with access to the queue could have published: BadMessageError).
//
// Limits, and why: a topic is an AMQP routing key (a short string, at most 255 bytes; we keep
// it printable); headers are a flat table of strings, finite numbers and booleans, small enough
// that amqplib never hits its 64 KiB table buffer; the payload has a configurable limit so one
// message cannot make a relay or a consumer hold an unbounded buffer.
//
// Fault model: every input is untrusted; nothing here throws anything but the errors above.

import { OutboxInvalidArgument, PayloadTooLargeError } from './errors.js';

export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_HEADERS_BYTES = 16 * 1024;
const TOPIC_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;
const AGGREGATE_PATTERN = /^[\x21-\x7e]{1,200}$/;
const HEADER_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Header names the outbox sets itself. */
export const AGGREGATE_HEADER = 'x-outbox-aggregate';
/** A PostgreSQL identifier we interpolate (table and channel names): lower case, short. */
const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,47}$/;

export type HeaderValue = string | number | boolean;
export type Headers = Readonly<Record<string, HeaderValue>>;

/** Returns why `value` is not a valid message part, or undefined when it is. */
export function topicProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && TOPIC_PATTERN.test(value)) return undefined;
  return `topic must be 1-200 characters of A-Z a-z 0-9 _ . : - (got ${describe(value)})`;
}

export function aggregateProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && AGGREGATE_PATTERN.test(value)) return undefined;
  return `aggregate must be 1-200 printable ASCII characters (got ${describe(value)})`;
}

export function headersProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `headers must be an object (got ${describe(value)})`;
  for (const [name, v] of Object.entries(value)) {
    if (!HEADER_NAME_PATTERN.test(name) || name === AGGREGATE_HEADER)
      return `header name ${describe(name)} is not allowed`;
    const ok =
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (typeof v === 'string' && v.length <= 1024);
    if (!ok) return `header ${name} must be a string (≤ 1024), a finite number or a boolean`;
  }
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > MAX_HEADERS_BYTES) return `headers take ${bytes} bytes, over ${MAX_HEADERS_BYTES}`;
  return undefined;
}

/** Validates a caller's message parts; throws OutboxInvalidArgument or PayloadTooLargeError. */
export function validateMessage(
  message: { topic: unknown; aggregate: unknown; headers?: unknown; payload: unknown },
  maxPayloadBytes: number,
): { payload: Buffer; headers: Headers } {
  const problem =
    topicProblem(message.topic) ??
    aggregateProblem(message.aggregate) ??
    (message.headers === undefined ? undefined : headersProblem(message.headers));
  if (problem !== undefined) throw new OutboxInvalidArgument(problem);
  const payload = toBuffer(message.payload);
  if (payload === undefined)
    throw new OutboxInvalidArgument(
      `payload must be a string or bytes (got ${typeof message.payload})`,
    );
  if (payload.length > maxPayloadBytes)
    throw new PayloadTooLargeError(payload.length, maxPayloadBytes);
  return { payload, headers: (message.headers ?? {}) as Headers };
}

function toBuffer(payload: unknown): Buffer | undefined {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  return undefined;
}

/** Validates a table or channel name we interpolate into SQL. */
export function validateIdentifier(what: string, value: unknown): string {
  if (typeof value === 'string' && IDENTIFIER_PATTERN.test(value)) return value;
  throw new OutboxInvalidArgument(
    `${what} must be a lower-case identifier of 1-48 characters (got ${describe(value)})`,
  );
}

/** A positive integer option (a limit, a size); throws OutboxInvalidArgument otherwise. */
export function validatePositive(what: string, value: number): number {
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw new OutboxInvalidArgument(`${what} must be a positive integer (got ${describe(value)})`);
}

export function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
