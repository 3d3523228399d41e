// The WAL on a failing disk, injected deterministically through its WalFs: short writes are
// completed; ENOSPC or EIO at the Nth operation fails the storage for good (every waiting
// and later sync rejects with a typed WalIoError, close() still returns), and reopening
// recovers exactly the steps whose sync resolved. Opening an unwritable directory fails with
// the same typed error.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeWalFs, openWalStorage, type WalFile, type WalFs, WalIoError } from './index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cohort-wal-faults-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

type Operation = 'write' | 'datasync' | 'open';

/** The real file system, except that writes may be short and the Nth call of an op fails. */
class FaultyFs implements WalFs {
  readonly calls: Record<Operation, number> = { write: 0, datasync: 0, open: 0 };
  /** Each write writes at most this many bytes (a nearly full file system). */
  maxWriteBytes = Number.POSITIVE_INFINITY;
  /** Fail every call of `op` from the `at`-th on (1-based) with errno `code`. */
  readonly failures: { op: Operation; at: number; code: string }[] = [];

  private check(op: Operation): void {
    const n = ++this.calls[op];
    const f = this.failures.find((x) => x.op === op && n >= x.at);
    if (f !== undefined)
      throw Object.assign(new Error(`${f.code}: injected, ${op}`), { code: f.code });
  }

  mkdir = nodeWalFs.mkdir;
  readdir = nodeWalFs.readdir;
  readFile = nodeWalFs.readFile;
  rename = nodeWalFs.rename;
  rm = nodeWalFs.rm;
  truncate = nodeWalFs.truncate;

  async open(path: string, flags: 'a' | 'w' | 'r'): Promise<WalFile> {
    this.check('open');
    const file = await nodeWalFs.open(path, flags);
    return {
      write: async (buffer, offset, length) => {
        this.check('write');
        return file.write(buffer, offset, Math.min(length, this.maxWriteBytes));
      },
      datasync: async () => {
        this.check('datasync');
        await file.datasync();
      },
      sync: () => file.sync(),
      close: () => file.close(),
    };
  }
}

const stateOf = (w: { keys(): string[]; get(k: string): unknown }) =>
  Object.fromEntries(w.keys().map((k) => [k, w.get(k)]));

describe('runtime/wal on a failing disk', () => {
  it('completes short writes: a 100 KB value survives 4 KiB writes', async () => {
    const dir = await tempDir();
    const fs = new FaultyFs();
    fs.maxWriteBytes = 4096;
    const w = await openWalStorage(dir, { fs });
    const big = 'x'.repeat(100_000);
    w.set('big', big);
    w.endStep();
    await w.sync();
    expect(fs.calls.write).toBeGreaterThan(24);
    await w.close();
    const again = await openWalStorage(dir);
    expect(again.get('big')).toBe(big);
    await again.close();
  });

  it('ENOSPC mid-batch rejects every waiting and later sync; reopen keeps the synced steps', async () => {
    const dir = await tempDir();
    const fs = new FaultyFs();
    const w = await openWalStorage(dir, { fs });
    for (let i = 0; i < 3; i++) {
      w.set(`k${i}`, i);
      w.endStep();
      await w.sync();
    }
    // The next round writes 1000 bytes of the batch, then the disk is full.
    fs.maxWriteBytes = 1000;
    fs.failures.push({ op: 'write', at: fs.calls.write + 2, code: 'ENOSPC' });
    const waiters = Array.from({ length: 64 }, (_, i) => {
      w.set(`w${i}`, 'v'.repeat(100));
      w.endStep();
      return w.sync();
    });
    const results = await Promise.allSettled(waiters);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const error = (results[0] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(WalIoError);
    expect(error).toMatchObject({ operation: 'write', code: 'ENOSPC' });
    expect(error.message).toMatch(
      /^write-ahead log: write to .*seg-\d{20}\.wal failed: ENOSPC \(no space left on device\)$/,
    );
    await expect(w.sync()).rejects.toBe(error);
    expect(() => w.set('later', 1)).toThrow(error);
    await w.close(); // Neither hangs nor throws after the failure.
    await expect(w.sync()).rejects.toThrow(/closed/);
    const again = await openWalStorage(dir);
    expect(stateOf(again)).toEqual({ k0: 0, k1: 1, k2: 2 });
    await again.close();
  });

  it('EIO from fdatasync fails the storage; reopen holds whole steps, the synced ones at least', async () => {
    const dir = await tempDir();
    const fs = new FaultyFs();
    const w = await openWalStorage(dir, { fs });
    w.set('a', 1);
    w.set('b', 2);
    w.endStep();
    await w.sync();
    fs.failures.push({ op: 'datasync', at: fs.calls.datasync + 1, code: 'EIO' });
    w.set('a', 10);
    w.delete('b');
    w.endStep();
    const error = await w.sync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalIoError);
    expect(error).toMatchObject({ operation: 'fdatasync', code: 'EIO' });
    expect((error as Error).message).toMatch(/fdatasync of .* failed: EIO \(i\/o error\)/);
    await w.close();
    const again = await openWalStorage(dir);
    // The failed round was cut back: exactly the step whose sync resolved.
    expect(stateOf(again)).toEqual({ a: 1, b: 2 });
    await again.close();
  });

  it('a failure while rolling to a new segment fails the storage too', async () => {
    const dir = await tempDir();
    const fs = new FaultyFs();
    const w = await openWalStorage(dir, { fs, segmentBytes: 64, snapshotBytes: 0 });
    fs.failures.push({ op: 'open', at: fs.calls.open + 1, code: 'EMFILE' });
    w.set('k', 'x'.repeat(100));
    w.endStep();
    await w.sync(); // Durable; the roll after it fails.
    w.set('k2', 1);
    w.endStep();
    await expect(w.sync()).rejects.toMatchObject({ name: 'WalIoError', code: 'EMFILE' });
    await w.close();
    const again = await openWalStorage(dir);
    expect(stateOf(again)).toEqual({ k: 'x'.repeat(100) });
    await again.close();
  });

  it('opening a WAL on an unwritable directory fails with a WalIoError, not a stack trace', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(join(dir, 'wal'));
    w.set('k', 1);
    w.endStep();
    await w.close();
    const fs = new FaultyFs();
    fs.failures.push({ op: 'open', at: 1, code: 'EROFS' });
    const error = await openWalStorage(join(dir, 'wal'), { fs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalIoError);
    expect((error as Error).message).toMatch(/open of .*seg-\d{20}\.wal failed: EROFS/);
  });

  it('writes of unsealed steps never reach the disk', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir);
    w.set('sealed', 1);
    w.endStep();
    w.set('half', 2); // A step that threw before it was sealed.
    expect(w.get('half')).toBe(2);
    await w.sync();
    await w.close();
    const again = await openWalStorage(dir);
    expect(stateOf(again)).toEqual({ sealed: 1 });
    await again.close();
  });
});
