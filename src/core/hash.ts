// A streaming 64-bit hash (two 32-bit FNV-1a lanes with different primes and offsets) for
// trace hashes. Integer-only so the browser and Node agree; not cryptographic, only a
// fingerprint that changes whenever any byte of the trace changes.

export class TraceHasher {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;
  private length = 0;

  update(text: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    this.h1 = h1;
    this.h2 = h2;
    this.length += text.length;
  }

  digest(): string {
    let a = this.h1 ^ this.length;
    let b = this.h2 ^ Math.imul(this.length, 0x9e3779b1);
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
    a ^= b >>> 7;
    b ^= a >>> 11;
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}
