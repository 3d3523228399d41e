// The record segments on a real disk: every record must come back exactly as added — from
// memory before its flush, from the last round's block, through read-ahead, in order and at
// random, across rounds of different sizes, records larger than the read-ahead block, a
// reopen, a tail cut at any byte or followed by zeros (whole frames kept, the rest cut), a
// gap after one, and preallocation (zeros ahead of the tail only, never in an earlier segment).

import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../runtime/testing/wait.js';
import { RecordSegments, SegmentCorruptionError } from './record-segments.js';
import type { OffsetRecord } from './record-store.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cohort-segments-'));
  dirs.push(dir);
  return dir;
}

/** A record whose bytes say which offset it is (sizes vary, some beyond 256 KiB). */
function recordAt(offset: number): OffsetRecord {
  const size = offset % 17 === 0 ? 300 * 1024 + offset : (offset * 131) % 5000;
  const value = Buffer.alloc(size, offset % 251);
  if (size >= 8) value.writeDoubleLE(offset, 0);
  return { offset, key: offset % 3 === 0 ? null : `k${offset}`, value, time: 1000 + offset };
}

function expectRecord(s: RecordSegments, offset: number): void {
  const want = recordAt(offset);
  const got = s.read('t', 0, offset);
  expect(got?.k).toBe(want.key);
  expect(got?.t).toBe(want.time);
  expect(Buffer.from(got?.v ?? []).equals(Buffer.from(want.value))).toBe(true);
}

describe('comm/broker record segments', () => {
  it('reads back every record before and after its flush, in order, at random and after a reopen', async () => {
    const dir = await tempDir();
    const a = await RecordSegments.open(dir);
    // Rounds of 1, 7, 40 … records; each is readable from memory before its flush.
    for (let i = 0, n = 1; i < 200; i += n, n = (n * 7) % 41) {
      const run = Array.from({ length: Math.min(n, 200 - i) }, (_, j) => recordAt(i + j));
      for (const r of run) a.add('t', 0, r);
      expect(a.durableNext('t', 0) ?? 0).toBe(i);
      expectRecord(a, i);
      await a.flush();
      expect(a.durableNext('t', 0)).toBe(i + run.length);
    }
    for (let o = 0; o < 200; o++) expectRecord(a, o);
    for (let i = 0; i < 300; i++) expectRecord(a, (i * 97) % 200);
    expect(a.read('t', 0, 200)).toBeUndefined();
    // Flushes that arrive while a round writes share the next round.
    const rounds = a.writes;
    for (let o = 200; o < 210; o++) {
      a.add('t', 0, recordAt(o));
      void a.flush();
    }
    await a.flush();
    expect(a.writes - rounds).toBeLessThanOrEqual(2);
    await a.close();
    const b = await RecordSegments.open(dir);
    expect(b.takeEntries('t', 0).map((e) => e.offset)).toEqual(
      Array.from({ length: 210 }, (_, i) => i),
    );
    for (let o = 209; o >= 0; o--) expectRecord(b, o);
    b.add('t', 0, recordAt(210));
    await b.flush();
    expectRecord(b, 210);
    await b.close();
  });

  it('keeps the whole frames of a tail cut at any byte, and appends after them', async () => {
    const dir = await tempDir();
    const a = await RecordSegments.open(dir);
    const sizes: number[] = [];
    const seg = join(dir, 't-t', '0', `${'0'.repeat(16)}.rec`);
    let frames = 0;
    for (let o = 0; o < 6; o++) {
      a.add('t', 0, { offset: o, key: `k${o}`, value: Buffer.alloc(o * 5, o), time: o });
      await a.flush();
      frames += 8 + 20 + `k${o}`.length + o * 5; // Header, fixed body, key, value.
      sizes.push(frames);
    }
    await a.close();
    // The file goes on in preallocated zeros: a crash may cut it anywhere in them too.
    const full = await readFile(seg);
    expect(full.length).toBeGreaterThan(frames);
    expect(full.subarray(frames).every((x) => x === 0)).toBe(true);
    for (let cut = 0; cut <= frames + 40; cut++) {
      const copy = await tempDir();
      const to = join(copy, 't-t', '0');
      await mkdir(to, { recursive: true });
      await writeFile(join(to, `${'0'.repeat(16)}.rec`), full.subarray(0, cut));
      const whole = sizes.filter((s) => s <= cut).length;
      // What a crash can leave after the cut: nothing, or zeros the file system extended with.
      const zeros = cut % 3 === 0 ? Buffer.alloc(64) : Buffer.alloc(0);
      await appendFile(join(to, `${'0'.repeat(16)}.rec`), zeros);
      const b = await RecordSegments.open(copy);
      expect(b.takeEntries('t', 0).length, `cut at ${cut}`).toBe(whole);
      b.add('t', 0, { offset: whole, key: null, value: Buffer.from('next'), time: 9 });
      await b.flush();
      await b.close();
      const c = await RecordSegments.open(copy);
      expect(c.takeEntries('t', 0).map((e) => e.offset)).toEqual(
        Array.from({ length: whole + 1 }, (_, i) => i),
      );
      expect(Buffer.from(c.read('t', 0, whole)?.v ?? []).toString()).toBe('next');
      await c.close();
    }
  });

  it('keeps zeros ahead of the tail only: a segment that stops being the tail is cut back', async () => {
    const dir = await tempDir();
    const options = { segmentBytes: 16 * 1024, preallocateBytes: 4096 };
    const a = await RecordSegments.open(dir, options);
    const small = (o: number): OffsetRecord => ({
      offset: o,
      key: null,
      value: Buffer.alloc(200 + (o % 7) * 100, 1 + (o % 250)),
      time: o,
    });
    const offsets = [...Array.from({ length: 201 }, (_, i) => i), 250, 251, 252];
    const segs = join(dir, 't-t', '0');
    const lastSegment = async () => {
      const names = (await readdir(segs)).sort();
      return readFile(join(segs, names[names.length - 1] as string));
    };
    for (let i = 0; i < offsets.length; i += 3) {
      // Before the gap, the tail ends in its zeros; the gap starts a new segment.
      // (The zeros are written in the background: waited for, not raced.)
      if (offsets[i] === 250)
        await until(async () => (await lastSegment()).at(-1) === 0, 'the tail to end in zeros');
      for (const o of offsets.slice(i, i + 3)) a.add('t', 0, small(o));
      await a.flush();
    }
    const names = (await readdir(segs)).sort();
    expect(names.length).toBeGreaterThan(3);
    for (const n of names.slice(0, -1)) expect((await readFile(join(segs, n))).at(-1)).not.toBe(0);
    await a.close(); // Waits for a refill in progress.
    expect((await lastSegment()).at(-1)).toBe(0);
    // Opening every earlier segment whole (no cut allowed there) proves they end in a frame.
    const b = await RecordSegments.open(dir, options);
    expect(b.takeEntries('t', 0).map((e) => e.offset)).toEqual(offsets);
    for (const o of offsets) expect(b.read('t', 0, o)?.v).toEqual(small(o).value);
    b.add('t', 0, small(253));
    await b.flush();
    expect(b.read('t', 0, 253)?.v).toEqual(small(253).value);
    await b.close();
  });

  it('starts a segment after a gap, drops passed segments but the tail, and refuses corruption', async () => {
    const dir = await tempDir();
    const a = await RecordSegments.open(dir);
    for (const o of [0, 1, 2]) a.add('t', 0, recordAt(o));
    await a.flush();
    // After a recovery that cut records retention had passed, offsets resume past a gap.
    for (const o of [5, 6]) a.add('t', 0, recordAt(o));
    await a.flush();
    const segs = join(dir, 't-t', '0');
    expect((await readdir(segs)).sort()).toEqual(
      [0, 5].map((b) => `${String(b).padStart(16, '0')}.rec`),
    );
    expect(a.read('t', 0, 3)).toBeUndefined();
    expectRecord(a, 6);
    await a.dropBelow('t', 0, 7); // Everything is below 7, but the tail stays.
    expect(await readdir(segs)).toEqual([`${'5'.padStart(16, '0')}.rec`]);
    await a.close();
    const b = await RecordSegments.open(dir);
    expect(b.takeEntries('t', 0).map((e) => e.offset)).toEqual([5, 6]);
    await b.close();
    // A bad byte in a segment that is not the last (a later one exists) damaged acknowledged
    // records: the open fails instead of cutting them.
    const first = join(segs, `${'5'.padStart(16, '0')}.rec`);
    const bytes = await readFile(first);
    bytes[20] = (bytes[20] as number) ^ 0xff;
    await writeFile(first, bytes);
    await writeFile(join(segs, `${'9'.padStart(16, '0')}.rec`), Buffer.alloc(0));
    await expect(RecordSegments.open(dir)).rejects.toBeInstanceOf(SegmentCorruptionError);
  });
});
