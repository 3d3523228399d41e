// Reading one cookie from a Cookie request header and writing a Set-Cookie header (RFC 6265).
// Only what sessions need: one named cookie in, one cookie out, with the attributes a
// session cookie should carry (HttpOnly by default, SameSite=Lax, Path=/).
//
// Fault model: the Cookie header is the client's. Node already bounds a request's headers
// (16 KiB by default); here a header longer than MAX_COOKIE_HEADER_BYTES is not read at
// all, a value longer than COOKIE_MAX_BYTES is ignored, and malformed pairs are skipped —
// the result is "no cookie", never an exception.

import { InvalidSessionArgument } from './errors.js';

/** RFC 6265 §6.1: browsers keep at least 4096 bytes per cookie (name, value, attributes). */
export const COOKIE_MAX_BYTES = 4096;
export const MAX_COOKIE_HEADER_BYTES = 16 * 1024;

export type SameSite = 'Strict' | 'Lax' | 'None';

export interface CookieAttributes {
  readonly path?: string;
  readonly domain?: string;
  readonly secure?: boolean;
  readonly httpOnly?: boolean;
  readonly sameSite?: SameSite;
}

const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 7230 token.
const VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/; // RFC 6265 cookie-octet.
const ATTRIBUTE = /^[\x20-\x3A\x3C-\x7E]*$/; // No ';' and no control characters.

export function checkCookieName(name: string): void {
  if (!NAME.test(name)) throw new InvalidSessionArgument(`'${name}' is not a cookie name`);
}

export function checkCookieAttributes(a: CookieAttributes): void {
  for (const [key, value] of [
    ['path', a.path],
    ['domain', a.domain],
  ] as const) {
    if (value !== undefined && !ATTRIBUTE.test(value))
      throw new InvalidSessionArgument(`cookie ${key} '${value}' has a ';' or a control character`);
  }
  if (a.sameSite === 'None' && a.secure !== true)
    throw new InvalidSessionArgument('SameSite=None needs Secure (browsers drop it otherwise)');
}

/**
 * The value of cookie `name` in a Cookie header, or undefined. With the same name twice
 * (a path-scoped duplicate), the first wins, as browsers list the more specific path first.
 */
export function readCookie(
  header: string | string[] | undefined,
  name: string,
): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (text === undefined || text.length > MAX_COOKIE_HEADER_BYTES) return undefined;
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    if (value.length > COOKIE_MAX_BYTES || !VALUE.test(value)) return undefined;
    return value;
  }
  return undefined;
}

/** A Set-Cookie header value; `maxAgeS` 0 deletes the cookie. Values are cookie-octets. */
export function serializeCookie(
  name: string,
  value: string,
  maxAgeS: number,
  a: CookieAttributes,
): string {
  const parts = [
    `${name}=${value}`,
    `Path=${a.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeS))}`,
  ];
  if (maxAgeS <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (a.domain !== undefined) parts.push(`Domain=${a.domain}`);
  if (a.httpOnly !== false) parts.push('HttpOnly');
  if (a.secure === true) parts.push('Secure');
  parts.push(`SameSite=${a.sameSite ?? 'Lax'}`);
  return parts.join('; ');
}
