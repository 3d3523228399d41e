// An actor's journal (event sourcing, as Akka Persistence): one JSON line per processed
// envelope — its id, the state after the step and the envelopes the step sent — appended
// BEFORE the node reports the envelope processed. Recovery reads the last state back and
// the ids already processed with their sends, so a redelivered envelope is not applied
// twice but its sends are made again (the receivers skip them the same way): each step's
// effect happens once however often its envelope arrives.
//
// Fault model: the process may be SIGKILLed at any moment; an appended line is in the OS's
// page cache and survives that (a machine crash would need fsync, not done here). A torn
// last line (killed mid-append) is the step that did not happen and is ignored.

import fs from 'node:fs';
import type { Envelope } from './protocol.js';

export interface Recovered {
  readonly state: unknown;
  readonly processed: Map<string, readonly Envelope[]>;
}

export function recoverJournal(file: string): Recovered | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let state: unknown;
  let any = false;
  const processed = new Map<string, readonly Envelope[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let entry: { id: string; state: unknown; sent: Envelope[] };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      break; // The torn tail of a killed append.
    }
    state = entry.state;
    any = true;
    processed.set(entry.id, entry.sent);
  }
  return any ? { state, processed } : undefined;
}

export function appendJournal(
  file: string,
  id: string,
  state: unknown,
  sent: readonly Envelope[],
): void {
  fs.appendFileSync(file, `${JSON.stringify({ id, state, sent })}\n`);
}
