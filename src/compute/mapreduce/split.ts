// Input splitting (MapReduce §3.1): M byte ranges of about equal size. A range's records
// are the lines that START inside it, so a map task skips a partial first line (the
// previous split owns it) and reads past its end to finish its last line — every line is
// read by exactly one map task whatever the boundaries.

import fs from 'node:fs';

export interface Split {
  readonly start: number;
  readonly end: number;
}

export function splitFile(size: number, splits: number): Split[] {
  const m = Math.max(1, Math.min(splits, size));
  const out: Split[] = [];
  for (let i = 0; i < m; i++)
    out.push({ start: Math.floor((i * size) / m), end: Math.floor(((i + 1) * size) / m) });
  return out;
}

const CHUNK = 64 * 1024;

/** The text of the lines that start in [start, end) of the file. */
export function readSplit(path: string, start: number, end: number): string {
  const fd = fs.openSync(path, 'r');
  try {
    // Whether `start` begins a line: the byte before it is a newline (or it is 0).
    let from = start;
    if (start > 0) {
      const before = Buffer.alloc(1);
      fs.readSync(fd, before, 0, 1, start - 1);
      if (before[0] !== 0x0a) from = nextLineStart(fd, start);
    }
    if (from >= end) return '';
    // The last line is the one holding byte end - 1: a line that starts AT `end` (the byte
    // before it a newline) is the next split's.
    const to = nextLineStart(fd, end - 1);
    const body = Buffer.alloc(to - from);
    let read = 0;
    while (read < body.length) {
      const n = fs.readSync(fd, body, read, body.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return body.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** The offset just past the first newline at or after `at` (the file's size if none). */
function nextLineStart(fd: number, at: number): number {
  const buf = Buffer.alloc(CHUNK);
  let pos = at;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, CHUNK, pos);
    if (n === 0) return pos;
    const i = buf.subarray(0, n).indexOf(0x0a);
    if (i >= 0) return pos + i + 1;
    pos += n;
  }
}
