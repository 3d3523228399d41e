// A worker's IPC messages are parsed, not trusted: anything but a well-formed ready or reply
// is dropped, and a reply's error text is bounded.

import { describe, expect, it } from 'vitest';
import { MAX_ERROR_TEXT, parseWorkerMessage } from './worker-protocol.js';

describe('parseWorkerMessage', () => {
  it.each([
    [null],
    ['ready'],
    [{ type: 'reply' }],
    [{ type: 'reply', id: 1.5, ok: true }],
    [{ type: 'reply', id: '1', ok: true }],
    [{ type: 'request', id: 1 }],
  ])('drops %o', (raw) => {
    expect(parseWorkerMessage(raw)).toBeUndefined();
  });

  it('reads ready, values and errors, bounding error text', () => {
    expect(parseWorkerMessage({ type: 'ready', extra: 1 })).toEqual({ type: 'ready' });
    expect(parseWorkerMessage({ type: 'reply', id: 7, ok: true, value: [1] })).toEqual({
      type: 'reply',
      id: 7,
      ok: true,
      value: [1],
    });
    const long = 'x'.repeat(MAX_ERROR_TEXT * 2);
    const m = parseWorkerMessage({ type: 'reply', id: 7, ok: false, error: { message: long } });
    expect(m).toEqual({
      type: 'reply',
      id: 7,
      ok: false,
      error: { name: 'Error', message: 'x'.repeat(MAX_ERROR_TEXT) },
    });
    expect(parseWorkerMessage({ type: 'reply', id: 7, ok: 'yes' })).toMatchObject({ ok: false });
  });
});
