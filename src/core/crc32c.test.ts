import { crc32c } from '@node-rs/crc32';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32cJs } from './crc32c.js';

describe('crc32cJs', () => {
  it('gives the CRC-32C check value and agrees with the native implementation', () => {
    expect(crc32cJs(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32cJs(new Uint8Array(0))).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(crc32cJs(bytes)).toBe(crc32c(Buffer.from(bytes)));
      }),
    );
  });

  it('continues from an earlier CRC', () => {
    const bytes = new TextEncoder().encode('hello, write-ahead log');
    expect(crc32cJs(bytes.subarray(7), crc32cJs(bytes.subarray(0, 7)))).toBe(crc32cJs(bytes));
  });
});
