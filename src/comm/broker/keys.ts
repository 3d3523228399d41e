// Where the broker keeps its durable state in the runtime's WAL (one key-value map whose
// changes are logged one step at a time, runtime/wal/wal-storage.ts). Names are validated
// (config.ts: no '/'), and numbers are zero-padded so that keys sort in offset order (the WAL
// lists keys sorted). Records are not here: they live in segment files (record-segments.ts).
//
//   t/<topic>                       topic configuration
//   p/<topic>/<partition>           the log start offset once retention deleted records
//   o/<group>/<topic>/<partition>   the group's committed offset (everything below is done)
//   a/<group>/<topic>/<partition>/<offset>  an acknowledged offset above the committed one
//   h/<txId>                        a half (prepared) message, until its committed record is
//                                   durable
//   x/<txId>                        a finished transaction's outcome ('commit' | 'rollback')
//   incarnation                     bumped at every open: member and transaction ids carry it

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const padOffset = (offset: number) => pad(offset, 16);

export const topicKey = (topic: string) => `t/${topic}`;
export const startKey = (topic: string, partition: number) => `p/${topic}/${partition}`;
export const committedKey = (group: string, topic: string, partition: number) =>
  `o/${group}/${topic}/${partition}`;
export const ackKey = (group: string, topic: string, partition: number, offset: number) =>
  `a/${group}/${topic}/${partition}/${padOffset(offset)}`;
export const halfKey = (txId: string) => `h/${txId}`;
export const outcomeKey = (txId: string) => `x/${txId}`;
export const INCARNATION_KEY = 'incarnation';

/** A transaction id: the incarnation and a counter, fixed width so ids sort by age. */
export const txIdOf = (incarnation: number, counter: number) =>
  `${pad(incarnation, 8)}-${pad(counter, 12)}`;

/** The parts of a key after its one-letter prefix, split on '/'. */
export function keyParts(key: string): string[] {
  return key.slice(2).split('/');
}

/** A record as the machine reads it back. */
export interface StoredRecord {
  readonly k: string | null;
  readonly v: Uint8Array;
  readonly t: number;
}
