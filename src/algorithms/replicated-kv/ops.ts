// The operations of the replicated key-value state machine (machine.ts) that every
// replication algorithm shares (Raft, Multi-Paxos, ZAB; issue 15: one machine, one history).
// Values are strings and a missing key reads as null. An algorithm whose messages spell an
// operation differently keeps its wire shape and converts at its boundary (multi-paxos's
// command.ts): the shape on the wire is what traces and peers see.
//
// Fault model: operations arrive from peers and clients, so `kvOpProblem` validates them
// (`parseKvOp` also keeps only an operation's own fields, for an algorithm that stores and
// compares operations as they arrive: ZAB's transactions).

/** Values are strings; a missing key reads as null. */
export type Value = string;

/** A key-value operation of the replicated state machine. */
export type KvOp =
  | {
      readonly type: 'put';
      readonly key: string;
      readonly value: Value;
      /**
       * Answer the value the key had before (null when missing) instead of null, as etcd's
       * Put with prev_kv does. Multi-Paxos's put always answers it.
       */
      readonly returnPrevious?: boolean;
    }
  | { readonly type: 'get'; readonly key: string }
  | { readonly type: 'delete'; readonly key: string }
  | {
      readonly type: 'cas';
      readonly key: string;
      readonly expected: Value | null;
      readonly value: Value;
    };

export const KV_OPS: ReadonlySet<string> = new Set(['put', 'get', 'delete', 'cas']);

/**
 * The first problem of a key-value operation's own fields (`c.type` is one of KV_OPS), if
 * any; untrusted input, so nothing is assumed of the other fields.
 */
export function kvOpProblem(c: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof c.key !== 'string') return `${c.type}: "key" must be a string`;
  if ((c.type === 'put' || c.type === 'cas') && typeof c.value !== 'string')
    return `${c.type}: "value" must be a string`;
  if (c.type === 'put' && c.returnPrevious !== undefined && typeof c.returnPrevious !== 'boolean')
    return 'put: "returnPrevious" must be a boolean';
  if (c.type === 'cas' && c.expected !== null && typeof c.expected !== 'string')
    return 'cas: "expected" must be a string or null';
  return undefined;
}

/**
 * A key-value operation from a peer if well formed, else undefined. Only the operation's
 * own fields are kept, so what is stored and compared is exactly the operation.
 */
export function parseKvOp(x: unknown): KvOp | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const c = x as Readonly<Record<string, unknown>>;
  if (typeof c.type !== 'string' || !KV_OPS.has(c.type) || kvOpProblem(c) !== undefined)
    return undefined;
  const key = c.key as string;
  switch (c.type) {
    case 'get':
    case 'delete':
      return { type: c.type, key };
    case 'put':
      return c.returnPrevious === undefined
        ? { type: 'put', key, value: c.value as Value }
        : {
            type: 'put',
            key,
            value: c.value as Value,
            returnPrevious: c.returnPrevious as boolean,
          };
    default:
      return { type: 'cas', key, expected: c.expected as Value | null, value: c.value as Value };
  }
}

/** Whether two operations are the same operation (every field equal). */
export function sameKvOp(a: KvOp, b: KvOp): boolean {
  if (a.type !== b.type || a.key !== b.key) return false;
  if (a.type === 'put' && b.type === 'put')
    return a.value === b.value && (a.returnPrevious ?? false) === (b.returnPrevious ?? false);
  if (a.type === 'cas' && b.type === 'cas') return a.value === b.value && a.expected === b.expected;
  return true;
}
