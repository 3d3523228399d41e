import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HEADER_BYTES } from '../../core/step-record.js';
import { nodeWalFs, openWalStorage, WalCorruptionError } from './index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cohort-wal-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function segmentsOf(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.wal')).sort();
}

const stateOf = (w: { keys(): string[]; get(k: string): unknown }) =>
  Object.fromEntries(w.keys().map((k) => [k, w.get(k)]));

describe('runtime/wal', () => {
  it('appends with O_DSYNC on this platform, so a round is one system call (wal-fs.ts)', async () => {
    const dir = await tempDir();
    const appending = await nodeWalFs.open(join(dir, 'a.wal'), 'a');
    const truncating = await nodeWalFs.open(join(dir, 'b.snap'), 'w');
    expect(appending.syncsOnWrite).toBe(process.platform !== 'win32');
    expect(truncating.syncsOnWrite).toBe(false);
    await appending.close();
    await truncating.close();
  });

  it('keeps every synced write across close and reopen', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir);
    w.set('a', { n: 1 });
    w.set('b', [1, 2, 3]);
    w.set('a', { n: 2 });
    w.delete('b');
    w.set('c/1', 'x');
    w.endStep();
    await w.sync();
    await w.close();
    const again = await openWalStorage(dir);
    expect(stateOf(again)).toEqual({ a: { n: 2 }, 'c/1': 'x' });
    expect(again.keys('c/')).toEqual(['c/1']);
    await again.close();
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const w = await openWalStorage(await tempDir());
    const value = { list: [1] };
    w.set('k', value);
    value.list.push(2);
    w.get<{ list: number[] }>('k')?.list.push(3);
    expect(w.get('k')).toEqual({ list: [1] });
    await w.close();
  });

  it('recovers from a record torn at any byte: the state before that record', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir);
    w.set('k', 'before');
    w.endStep();
    await w.sync();
    w.set('k', 'torn');
    w.endStep();
    await w.sync();
    await w.close();
    const [seg] = await segmentsOf(dir);
    const file = join(dir, seg as string);
    const full = await readFile(file);
    const lastStart = (await recordOffsets(file))[1] as number;
    for (let cut = lastStart + 1; cut < full.length; cut++) {
      await writeFile(file, full.subarray(0, cut));
      const warnings: string[] = [];
      const r = await openWalStorage(dir, { onWarning: (t) => warnings.push(t) });
      expect(r.get('k'), `cut at ${cut}`).toBe('before');
      expect(warnings.join()).toMatch(/torn tail/);
      r.set('k', 'after');
      r.endStep();
      await r.close();
      const reopened = await openWalStorage(dir);
      expect(reopened.get('k')).toBe('after');
      await reopened.close();
    }
  });

  it('refuses a flipped byte in the middle, naming file and offset; repair cuts there', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir);
    for (let i = 0; i < 5; i++) {
      w.set(`k${i}`, i);
      w.endStep();
      await w.sync();
    }
    await w.close();
    const [seg] = await segmentsOf(dir);
    const file = join(dir, seg as string);
    const buf = await readFile(file);
    const recordBytes = buf.length / 5;
    const at = 2 * recordBytes + HEADER_BYTES; // Inside the third record's payload.
    buf[at] = (buf[at] as number) ^ 0xff;
    await writeFile(file, buf);
    const error = await openWalStorage(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalCorruptionError);
    expect(error).toMatchObject({ file: seg, offset: 2 * recordBytes });
    const warnings: string[] = [];
    const repaired = await openWalStorage(dir, {
      repair: true,
      onWarning: (t) => warnings.push(t),
    });
    expect(stateOf(repaired)).toEqual({ k0: 0, k1: 1 });
    expect(warnings.join()).toMatch(/corruption at byte/);
    await repaired.close();
    expect((await stat(file)).size).toBe(2 * recordBytes);
  });

  it('refuses a torn record at the end of a segment that is not the last one', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir, { segmentBytes: 64, snapshotBytes: 0 });
    for (let i = 0; i < 6; i++) {
      w.set(`k${i}`, 'x'.repeat(40));
      w.endStep();
      await w.sync();
    }
    await w.close();
    const segments = await segmentsOf(dir);
    expect(segments.length).toBeGreaterThan(2);
    const first = join(dir, segments[0] as string);
    const ends = await recordOffsets(first);
    const lastStart = ends[ends.length - 2] as number;
    await truncate(first, (ends[ends.length - 1] as number) - 3);
    const error = await openWalStorage(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalCorruptionError);
    expect(error).toMatchObject({ file: segments[0], offset: lastStart });
    const repaired = await openWalStorage(dir, { repair: true });
    // Every record before the torn one survives; the later segments are dropped.
    const kept = Array.from({ length: ends.length - 2 }, (_, i) => `k${i}`);
    expect(repaired.keys()).toEqual(kept);
    await repaired.close();
    expect(await segmentsOf(dir)).toEqual([segments[0]]);
  });

  it('snapshots, drops the segments it covers, and recovers from snapshot + log', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir, { segmentBytes: 512, snapshotBytes: 2048 });
    for (let i = 0; i < 200; i++) {
      w.set(`k${i % 17}`, { i, pad: 'x'.repeat(20) });
      if (i % 3 === 0) w.delete(`k${(i + 5) % 17}`);
      w.endStep();
      await w.sync();
    }
    const expected = stateOf(w);
    await w.close();
    const names = await readdir(dir);
    expect(names.filter((n) => n.startsWith('snap-'))).toHaveLength(1);
    expect(names.filter((n) => n.endsWith('.wal')).length).toBeLessThan(8);
    const again = await openWalStorage(dir, { segmentBytes: 512, snapshotBytes: 2048 });
    expect(stateOf(again)).toEqual(expected);
    await again.close();
  });

  it('keeps steps larger than its seal buffer, and steps sealed while a round is written', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir);
    const big = 'b'.repeat(3 * 1024 * 1024);
    w.set('big', big);
    w.set('small', 1);
    w.endStep();
    const first = w.sync();
    w.set('during', 2); // Sealed while the first round is being written.
    w.endStep();
    await Promise.all([first, w.sync()]);
    await w.close();
    const again = await openWalStorage(dir);
    expect(again.get('big')).toBe(big);
    expect(stateOf(again)).toMatchObject({ small: 1, during: 2 });
    await again.close();
  });

  it('keeps a step whole when the writer takes the buffer in the middle of it', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir);
    w.set('a', 1);
    w.endStep();
    const first = w.sync();
    // A step under way: its operations are encoded, not sealed, when the round starts.
    w.set('ключ/1', 'é'.repeat(40));
    for (let i = 0; i < 20; i++) w.delete(`gone/${i}`); // 21+ operations: a 3-byte header.
    await new Promise((resolve) => setImmediate(resolve));
    w.set('b', { n: 2 });
    w.endStep();
    await Promise.all([first, w.sync()]);
    expect(w.fsyncs).toBe(2);
    await w.close();
    const again = await openWalStorage(dir);
    expect(stateOf(again)).toEqual({ a: 1, 'ключ/1': 'é'.repeat(40), b: { n: 2 } });
    await again.close();
  });

  it('commits many concurrent syncs with few fsyncs (group commit)', async () => {
    const w = await openWalStorage(await tempDir());
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        w.set(`k${i}`, i);
        w.endStep();
        await w.sync();
      }),
    );
    expect(w.fsyncs).toBeGreaterThan(0);
    expect(w.fsyncs).toBeLessThanOrEqual(2);
    await w.close();
  });

  it('recovers whole steps only, at least every synced one, after any crash', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.integer({ min: 0, max: 5 }),
        value: fc.string({ maxLength: 12 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('endStep' as const) }),
      fc.record({ kind: fc.constant('sync' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (ops, cutAt) => {
          const dir = await tempDir();
          const w = await openWalStorage(dir);
          // The state after each sealed step (records are steps; empty steps write none).
          const states: string[] = [JSON.stringify({})];
          const model = new Map<string, string>();
          let synced = 0;
          let open = false;
          for (const o of ops) {
            if (o.kind === 'sync') {
              await w.sync();
              synced = states.length - 1;
            } else if (o.kind === 'endStep') {
              w.endStep();
              if (open) states.push(JSON.stringify(Object.fromEntries([...model].sort())));
              open = false;
            } else if (o.kind === 'set') {
              w.set(`k${o.key}`, o.value);
              model.set(`k${o.key}`, o.value);
              open = true;
            } else {
              w.delete(`k${o.key}`);
              model.delete(`k${o.key}`);
              open = true;
            }
          }
          // An unsealed step is dropped by close (as by a crash); sealed ones are flushed.
          await w.close();
          // A crash loses an arbitrary suffix of what was never synced, possibly mid-record.
          const [seg] = await segmentsOf(dir);
          const file = join(dir, seg as string);
          const size = (await stat(file)).size;
          const syncedBytes = synced === 0 ? 0 : ((await recordOffsets(file))[synced] ?? size);
          await truncate(file, Math.floor(syncedBytes + cutAt * (size - syncedBytes)));
          const r = await openWalStorage(dir);
          const got = JSON.stringify(Object.fromEntries(r.keys().map((k) => [k, r.get(k)])));
          await r.close();
          const index = states.lastIndexOf(got);
          return index >= synced;
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** Byte offset where record i (1-based) ends, by walking the length fields. */
async function recordOffsets(file: string): Promise<number[]> {
  const buf = await readFile(file);
  const ends = [0];
  for (let at = 0; at + HEADER_BYTES <= buf.length; ) {
    at += HEADER_BYTES + buf.readUInt32LE(at + 4);
    ends.push(at);
  }
  return ends;
}
