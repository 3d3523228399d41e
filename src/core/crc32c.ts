// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) in plain JavaScript, slice-by-8, so
// code that checksums write-ahead-log records runs in a browser too (the simulator's storage
// fault model reuses the WAL's record format). The real runtime uses the native
// `@node-rs/crc32`, several times faster; both give the same values (crc32c.test.ts).
//
// Fault model: none (a pure function of its bytes).

const POLY = 0x82f63b78;

/** TABLE[k * 256 + b]: the CRC of byte b followed by k zero bytes (slice-by-8). */
const TABLE = (() => {
  const t = new Uint32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[b] = c >>> 0;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b] as number;
    for (let k = 1; k < 8; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + b] = c >>> 0;
    }
  }
  return t;
})();

/** CRC-32C of `bytes`, continuing from `initial` (the CRC of what came before, 0 if none). */
export function crc32cJs(bytes: Uint8Array, initial = 0): number {
  const t = TABLE;
  let c = ~initial >>> 0;
  let i = 0;
  const n = bytes.length;
  for (; i + 8 <= n; i += 8) {
    const lo =
      c ^
      (bytes[i] as number) ^
      ((bytes[i + 1] as number) << 8) ^
      (((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24));
    c =
      (t[1792 + (lo & 0xff)] as number) ^
      (t[1536 + ((lo >>> 8) & 0xff)] as number) ^
      (t[1280 + ((lo >>> 16) & 0xff)] as number) ^
      (t[1024 + (lo >>> 24)] as number) ^
      (t[768 + (bytes[i + 4] as number)] as number) ^
      (t[512 + (bytes[i + 5] as number)] as number) ^
      (t[256 + (bytes[i + 6] as number)] as number) ^
      (t[bytes[i + 7] as number] as number);
  }
  for (; i < n; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
