// A step is atomic on disk: a real Raft compaction step (64 deletes and one snapshot set)
// is ONE record, and a crash tearing it at any byte leaves the state entirely before or
// entirely after the step — and a log that RaftLog.load accepts.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RaftLog } from '../../algorithms/consensus/raft/log.js';
import { EMPTY_KV_SNAPSHOT } from '../../algorithms/replicated-kv/machine.js';
import { HEADER_BYTES } from '../../core/step-record.js';
import { openWalStorage } from './index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const VOTERS = [1, 2, 3];

/** What a loaded log holds: enough to tell "before the step" from "after" from neither. */
function summary(log: RaftLog) {
  return {
    snapshotIndex: log.snapshot.index,
    lastIndex: log.lastIndex,
    entries: log.entries.map((e) => e.index),
  };
}

describe('runtime/wal steps', () => {
  it('a Raft compaction step torn at every byte recovers to before or after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-wal-steps-'));
    dirs.push(dir);
    const w = await openWalStorage(dir);
    const log = RaftLog.load(w, VOTERS, EMPTY_KV_SNAPSHOT);
    for (let index = 1; index <= 70; index++) {
      log.append({ index, term: 1, kind: 'noop' });
      w.endStep();
    }
    await w.sync();
    const before = summary(log);
    const [segment] = (await readdir(dir)).filter((n) => n.endsWith('.wal'));
    const file = join(dir, segment as string);
    const stepStart = (await readFile(file)).length;
    // One step: compaction deletes entries 1..64 and writes the snapshot.
    log.compact({ index: 64, term: 1, voters: VOTERS, kv: EMPTY_KV_SNAPSHOT });
    w.endStep();
    await w.sync();
    const after = summary(log);
    await w.close();
    const full = await readFile(file);
    expect(full.length - stepStart).toBeGreaterThan(64 * 16); // One record holds all 65 writes.
    expect(full.readUInt32LE(stepStart + 4)).toBe(full.length - stepStart - HEADER_BYTES);
    for (let cut = stepStart; cut <= full.length; cut++) {
      await writeFile(file, full.subarray(0, cut));
      const r = await openWalStorage(dir);
      const loaded = summary(RaftLog.load(r, VOTERS, EMPTY_KV_SNAPSHOT));
      await r.close();
      expect(loaded, `cut at byte ${cut}`).toEqual(cut === full.length ? after : before);
    }
  });
});
