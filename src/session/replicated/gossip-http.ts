// The transport between replicating app servers: JSON over HTTP on loopback (or a private
// network), every body — request and response — authenticated by HMAC-SHA256 under a secret
// the servers share, sent in the `x-cohort-gossip-mac` header and compared in constant time.
// Replaying a recorded exchange is harmless (merges are idempotent and monotone), so there
// is no nonce.
//
// Fault model: the other side may be dead (connection refused: the caller counts it and
// gossips elsewhere next round), slow (a request timeout), or not a peer at all: bodies over
// `maxBytes` are cut off unread beyond the limit, unauthenticated bodies are refused (401)
// before JSON.parse sees them, and malformed JSON is a 400 — the process stays up.

import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export const MAC_HEADER = 'x-cohort-gossip-mac';

export class GossipRefused extends Error {
  override readonly name = 'GossipRefused';
}

export function macOf(secret: Buffer, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

export function macMatches(secret: Buffer, body: Buffer, mac: unknown): boolean {
  if (typeof mac !== 'string') return false;
  const want = Buffer.from(macOf(secret, body));
  const got = Buffer.from(mac);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The body of a stream, or undefined when it exceeds `maxBytes` (the rest is discarded). */
export function readBounded(
  stream: http.IncomingMessage,
  maxBytes: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(stream.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      stream.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    stream.on('end', () => resolve(size <= maxBytes ? Buffer.concat(chunks) : undefined));
    stream.on('error', reject);
  });
}

const NOT_JSON = Symbol('not JSON');

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** Parses an authenticated JSON body, or undefined (unauthenticated or not JSON). */
export function openBody(secret: Buffer, body: Buffer, mac: unknown): unknown {
  if (!macMatches(secret, body, mac)) return undefined;
  const message = parseJson(body);
  return message === NOT_JSON ? undefined : message;
}

export interface SignedPostOptions {
  readonly secret: Buffer;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly agent: http.Agent;
}

/** POSTs `message` as signed JSON; resolves to the peer's authenticated JSON answer. */
export function signedPost(url: URL, message: unknown, o: SignedPostOptions): Promise<unknown> {
  const body = Buffer.from(JSON.stringify(message));
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent: o.agent,
      timeout: o.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'content-length': body.length,
        [MAC_HEADER]: macOf(o.secret, body),
      },
    });
    req.on('timeout', () => req.destroy(new GossipRefused(`no answer from ${url.host} in time`)));
    req.on('error', reject);
    req.on('response', (res) => {
      readBounded(res, o.maxBytes).then((answer) => {
        if (res.statusCode !== 200)
          return reject(new GossipRefused(`${url.host} answered ${res.statusCode}`));
        const parsed =
          answer === undefined ? undefined : openBody(o.secret, answer, res.headers[MAC_HEADER]);
        if (parsed === undefined)
          return reject(new GossipRefused(`${url.host}: unauthenticated answer`));
        resolve(parsed);
      }, reject);
    });
    req.end(body);
  });
}

/** Answers one signed request: `handle` gets the authenticated JSON, returns the answer. */
export async function answerSigned(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  o: { secret: Buffer; maxBytes: number; handle: (message: unknown) => unknown },
): Promise<void> {
  const reply = (status: number, message: unknown): void => {
    const body = Buffer.from(JSON.stringify(message));
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': body.length,
      [MAC_HEADER]: macOf(o.secret, body),
    });
    res.end(body);
  };
  const body = await readBounded(req, o.maxBytes);
  if (body === undefined) return reply(413, { error: 'body too large' });
  if (!macMatches(o.secret, body, req.headers[MAC_HEADER]))
    return reply(401, { error: 'unauthenticated' });
  const message = parseJson(body);
  const answer = message === NOT_JSON ? undefined : o.handle(message);
  if (answer === undefined) return reply(400, { error: 'malformed gossip message' });
  reply(200, answer);
}
