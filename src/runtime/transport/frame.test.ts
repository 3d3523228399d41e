import { describe, expect, it } from 'vitest';
import { encode } from '../../core/codec.js';
import { decodePayload, encodeFrame, FrameError, FrameSplitter } from './frame.js';

describe('frames', () => {
  it('splits frames that arrive one byte at a time and several in one chunk', () => {
    const a = encodeFrame({ type: 'A', n: 1 });
    const b = encodeFrame({ type: 'B', text: 'x'.repeat(300) });
    const bytes = Buffer.concat([a, b, a]);
    const bytewise = new FrameSplitter();
    const seen: unknown[] = [];
    for (const byte of bytes) {
      for (const p of bytewise.push(Buffer.from([byte]))) seen.push(decodePayload(p));
    }
    const whole = new FrameSplitter().push(bytes).map(decodePayload);
    expect(seen).toEqual(whole);
    expect(whole).toEqual([
      { type: 'A', n: 1 },
      { type: 'B', text: 'x'.repeat(300) },
      { type: 'A', n: 1 },
    ]);
  });

  it('rejects an oversized length from the header alone, before any payload arrives', () => {
    const splitter = new FrameSplitter(1024);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1025, 0);
    expect(() => splitter.push(header)).toThrow(FrameError);
    expect(() => new FrameSplitter(1024).push(header)).toThrow(/1025 bytes > 1024/);
  });

  it('rejects an empty frame and an undecodable payload', () => {
    expect(() => new FrameSplitter().push(Buffer.alloc(4))).toThrow(/empty frame/);
    const garbage = Buffer.from([0x92, 0x01]); // An array of two with only one element.
    expect(() => decodePayload(garbage)).toThrow(FrameError);
  });

  it('refuses to encode a frame above the bound', () => {
    expect(() => encodeFrame({ type: 'Big', blob: 'y'.repeat(2000) }, 1000)).toThrow(FrameError);
    expect(encodeFrame({ type: 'Small' }, 1000).subarray(4)).toEqual(
      Buffer.from(encode({ type: 'Small' })),
    );
  });
});
