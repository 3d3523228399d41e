// The outbox's NOTIFY payload (issue 18's relay fast path): the writer's transaction NOTIFYs
// the relays' channel with the row itself — `table|id|message_id|{"a","t","h","p"}` (aggregate,
// topic, headers, payload in base64) — so that the relay holding the fast path
// (fast-path.ts) can publish without reading the row first. NOTIFY payloads are limited to
// 8000 bytes: a larger message notifies its table name alone, as every writer did before, and
// relays claim it from the table. PostgreSQL delivers a notification only when its
// transaction commits, so a payload always describes a committed row.
//
// Fault model: anyone who may connect to the database may NOTIFY the channel, so a payload is
// untrusted: `decodeRow` validates every part (validate.ts) and returns undefined for anything
// that is not a well-formed row of this table — the relay then just wakes and claims.

import type { PublishRequest } from './amqp-publisher.js';
import { aggregateProblem, type Headers, headersProblem, topicProblem } from './validate.js';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; keep well under. */
export const MAX_NOTIFY_BYTES = 7_900;
const ID = /^[1-9][0-9]{0,18}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A committed row as its NOTIFY carried it. */
export interface NotifiedRow {
  readonly id: string;
  readonly request: PublishRequest;
}

/**
 * The body the writer appends to `table|id|message_id|` (the id and message id are known only
 * in SQL), or '' when the whole payload could exceed NOTIFY's limit.
 */
export function notifyBody(
  table: string,
  message: { aggregate: string; topic: string; headers: Headers; payload: Buffer },
): string {
  // Base64 grows by 4/3: skip the encoding when it cannot fit anyway.
  if (message.payload.length > MAX_NOTIFY_BYTES) return '';
  const body = JSON.stringify({
    a: message.aggregate,
    t: message.topic,
    h: message.headers,
    p: message.payload.toString('base64'),
  });
  // table, two separators each side of a 19-digit id and a 36-character uuid.
  const overhead = table.length + 3 + 19 + 36;
  return Buffer.byteLength(body) + overhead <= MAX_NOTIFY_BYTES ? body : '';
}

/** The subscribers' key of a payload: its table (the bare table for a plain wake-up). */
export function keyOfPayload(payload: string): string {
  const bar = payload.indexOf('|');
  return bar < 0 ? payload : payload.slice(0, bar);
}

/** The row a payload carries, or undefined (a plain wake-up, or not well-formed). */
export function decodeRow(payload: string, maxPayloadBytes: number): NotifiedRow | undefined {
  if (payload.length > MAX_NOTIFY_BYTES + 100) return undefined;
  const parts = payload.split('|');
  if (parts.length < 4) return undefined;
  const [, id = '', messageId = ''] = parts;
  if (!ID.test(id) || !UUID.test(messageId)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(parts.slice(3).join('|'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { a, t, h, p } = body as Record<string, unknown>;
  if (topicProblem(t) ?? aggregateProblem(a) ?? headersProblem(h)) return undefined;
  if (typeof p !== 'string' || !BASE64.test(p)) return undefined;
  const bytes = Buffer.from(p, 'base64');
  if (bytes.length > maxPayloadBytes) return undefined;
  return {
    id,
    request: {
      messageId,
      topic: t as string,
      aggregate: a as string,
      payload: bytes,
      headers: h as Headers,
    },
  };
}
