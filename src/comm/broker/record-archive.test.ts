// The record archive on a real disk: appends keep their tail segment open and reuse one frame
// buffer, reads go through a read-ahead block — every record must still come back exactly as
// appended, in order and at random, across appends of different sizes, a segment started after
// a gap, records larger than the read-ahead block, and a reopen (which cuts back to the mark).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ArchivedRecord, RecordArchive } from './record-archive.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A record whose bytes say which offset it is (sizes vary, some beyond 256 KiB). */
function recordAt(offset: number): ArchivedRecord {
  const size = offset % 17 === 0 ? 300 * 1024 + offset : (offset * 131) % 5000;
  const value = Buffer.alloc(size, offset % 251);
  if (size >= 8) value.writeDoubleLE(offset, 0);
  return { offset, key: offset % 3 === 0 ? null : `k${offset}`, value, time: 1000 + offset };
}

function expectRecord(a: RecordArchive, offset: number): void {
  const want = recordAt(offset);
  const got = a.read('t', 0, offset);
  expect(got?.k).toBe(want.key);
  expect(got?.t).toBe(want.time);
  expect(Buffer.from(got?.v ?? []).equals(Buffer.from(want.value))).toBe(true);
}

describe('comm/broker record archive', () => {
  it('reads back every record in order, at random, and after a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-archive-'));
    dirs.push(dir);
    const a = await RecordArchive.open(dir, () => 0);
    // Appends of 1, 7, 40 … records: 0..199, then a gap (retention) and 250..299.
    const offsets = [
      ...Array.from({ length: 200 }, (_, i) => i),
      ...Array.from({ length: 50 }, (_, i) => 250 + i),
    ];
    // An append holds consecutive offsets (the host archives in order from its mark).
    for (const run of [offsets.slice(0, 200), offsets.slice(200)])
      for (let i = 0, n = 1; i < run.length; i += n, n = (n * 7) % 41)
        await a.append('t', 0, run.slice(i, i + n).map(recordAt));
    for (const o of offsets) expectRecord(a, o);
    for (let i = 0; i < 300; i++) expectRecord(a, offsets[(i * 97) % offsets.length] as number);
    expect(a.read('t', 0, 220)).toBeUndefined();
    expect(a.read('t', 0, 300)).toBeUndefined();
    await a.close();
    // The WAL's mark says 0..279 were archived: 280.. are cut, the rest read the same.
    const b = await RecordArchive.open(dir, () => 280);
    expect(b.takeEntries('t', 0).map((e) => e.offset)).toEqual(offsets.filter((o) => o < 280));
    for (const o of offsets.filter((x) => x < 280).reverse()) expectRecord(b, o);
    expect(b.read('t', 0, 285)).toBeUndefined();
    await b.append('t', 0, [280, 281].map(recordAt));
    expectRecord(b, 281);
    await b.close();
  });
});
