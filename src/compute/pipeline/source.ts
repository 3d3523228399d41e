// A file's lines as a pipeline source, pulled: the next chunk is read only when the first
// queue has taken the lines already read, so a pipeline stalled on a slow stage stops
// reading its input (readline's async iterator would read ahead up to its own high-water
// mark). Memory: one chunk and the partial line that straddles it.
//
// Fault model: a read error rejects the iteration (the pipeline reports it); the file is
// closed however the iteration ends, also when the pipeline abandons it on a failure.

import fs from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 64 * 1024;

/** The lines of `file`, without their newlines; a last line without one is included. */
export async function* fileLines(file: string): AsyncGenerator<string> {
  const handle = await fs.open(file, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.alloc(CHUNK_BYTES);
    let rest = '';
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const lines = (rest + decoder.write(buf.subarray(0, bytesRead))).split('\n');
      rest = lines.pop() as string;
      yield* lines;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    await handle.close();
  }
}
