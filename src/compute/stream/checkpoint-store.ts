// Durable checkpoint storage for the exactly-once stream (issue 20), one directory per
// run: `chk-<n>/<task>.json` is task <task>'s snapshot for checkpoint n (the spout's is
// `spout.json`), and `completed.json` names the last checkpoint every task finished.
//
// Fault model: any process may be SIGKILLed at any instant. Every file is written whole or
// not at all (temporary file, fsync, rename, fsync of the directory), so a reader sees a
// previous version or the new one, never a torn one. A checkpoint is complete only once
// `completed.json` names it, and that is written only after every task's snapshot is on
// disk — so a crash between some tasks' snapshots and the completion leaves `chk-<n>`
// partial and `completed.json` still naming n-1, which is what a restore then reads.
// The files are ours, but the disk is not trusted: a missing or malformed file is a
// CheckpointError, never a guess.

import fs from 'node:fs';
import path from 'node:path';
import { isCount, isRecord } from '../../core/validate.js';

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

const COMPLETED = 'completed.json';

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `text` to `file` atomically and durably. */
export function writeDurable(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  fsyncDir(path.dirname(file));
}

const checkpointDir = (dir: string, n: number) => path.join(dir, `chk-${n}`);
const snapshotFile = (dir: string, n: number, task: string) =>
  path.join(checkpointDir(dir, n), `${task}.json`);

/** Stores `task`'s snapshot `state` (JSON-serialisable) for checkpoint `n`. */
export function writeSnapshot(dir: string, n: number, task: string, state: unknown): void {
  const into = checkpointDir(dir, n);
  if (!fs.existsSync(into)) {
    fs.mkdirSync(into, { recursive: true });
    fsyncDir(dir); // The new directory's entry survives a crash too.
  }
  writeDurable(snapshotFile(dir, n, task), JSON.stringify({ checkpoint: n, task, state }));
}

/** `task`'s snapshot for checkpoint `n`. */
export function readSnapshot(dir: string, n: number, task: string): unknown {
  const file = snapshotFile(dir, n, task);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CheckpointError(`cannot read the snapshot ${file}`, { cause: error });
  }
  if (!isRecord(doc) || doc.checkpoint !== n || doc.task !== task || !('state' in doc))
    throw new CheckpointError(`the snapshot ${file} is not ${task}'s for checkpoint ${n}`);
  return doc.state;
}

/** Records checkpoint `n` as complete (every task's snapshot is durable). */
export function markComplete(dir: string, n: number): void {
  writeDurable(path.join(dir, COMPLETED), JSON.stringify({ checkpoint: n }));
}

/** The last complete checkpoint, or null when none has completed. */
export function lastComplete(dir: string): number | null {
  const file = path.join(dir, COMPLETED);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(`cannot read ${file}`, { cause: error });
  }
  if (!isRecord(doc) || !isCount(doc.checkpoint))
    throw new CheckpointError(`${file} does not name a checkpoint`);
  return doc.checkpoint;
}

/** Removes every checkpoint before `n` (complete or abandoned): `n` replaces them. */
export function pruneBefore(dir: string, n: number): void {
  for (const entry of fs.readdirSync(dir)) {
    const m = /^chk-(\d+)$/.exec(entry);
    if (m !== null && Number(m[1]) < n)
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}
