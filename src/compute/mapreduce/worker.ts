// A MapReduce worker process (forked by master.ts, talking over its IPC channel). It runs
// one task at a time: a map task reads its split, maps and combines it, and writes one
// file per reduce partition into its own directory; a reduce task reads its partition of
// every map's output, groups by key, reduces, and writes its part of the result. Every
// file is written to a temporary name and renamed into place, so a task killed half-way
// leaves no half-written file under a real name and a re-executed task's output replaces
// an earlier one whole (§3.3: atomic commits of task output).
//
// Fault model: the process may be SIGKILLed at any moment; the master re-executes its
// tasks elsewhere. A task that fails (a missing input: its map's worker died and took its
// files) is reported as failed and retried by the master once the input is remade.

import fs from 'node:fs';
import path from 'node:path';
import { findJob, partitionOf } from './jobs.js';
import { type FromWorker, parseToWorker, type ToWorker } from './protocol.js';
import { readSplit } from './split.js';

function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function runMap(m: Extract<ToWorker, { type: 'map' }>): string[] {
  const job = findJob(m.job);
  if (job === undefined) throw new Error(`unknown job ${m.job}`);
  const pairs = job.map(readSplit(m.input, m.start, m.end));
  const parts: [string, unknown][][] = Array.from({ length: m.reducers }, () => []);
  for (const [key, value] of pairs) parts[partitionOf(key, m.reducers)]?.push([key, value]);
  fs.mkdirSync(m.dir, { recursive: true });
  return parts.map((part, r) => {
    const file = path.join(m.dir, `m${m.task}-r${r}.json`);
    writeAtomic(file, JSON.stringify(part));
    return file;
  });
}

function runReduce(m: Extract<ToWorker, { type: 'reduce' }>): void {
  const job = findJob(m.job);
  if (job === undefined) throw new Error(`unknown job ${m.job}`);
  const groups = new Map<string, unknown[]>();
  for (const file of m.inputs) {
    const part = JSON.parse(fs.readFileSync(file, 'utf8')) as [string, unknown][];
    for (const [key, value] of part) {
      const values = groups.get(key);
      if (values === undefined) groups.set(key, [value]);
      else values.push(value);
    }
  }
  const keys = [...groups.keys()].sort();
  const out = keys.map((key) => [key, job.reduce(key, groups.get(key) as unknown[])]);
  writeAtomic(m.output, JSON.stringify(out));
}

function send(msg: FromWorker): void {
  process.send?.(msg);
}

process.on('message', (raw) => {
  const m = parseToWorker(raw);
  if (m === undefined) return; // Only the master talks to us; nothing else is trusted.
  // Exit at once: every task's files are already written (synchronously) and renamed.
  if (m.type === 'exit') process.exit(0);
  try {
    if (m.type === 'map') send({ type: 'done', kind: 'map', task: m.task, files: runMap(m) });
    else {
      runReduce(m);
      send({ type: 'done', kind: 'reduce', task: m.task, files: [m.output] });
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    send({ type: 'failed', kind: m.type, task: m.task, reason });
  }
});

send({ type: 'ready' });
