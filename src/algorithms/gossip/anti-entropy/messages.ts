// Messages of gossip/anti-entropy (anti-entropy.ts explains the exchanges). A Push carries
// a replica — the CRDT state and `seen`, the G-counter of updates it contains per origin —
// and whether the receiver should answer with its own (push-pull). A Pull carries only the
// asker's `seen`, a digest. A Reply answers either with the replier's replica, sent only
// when it holds an update the asker lacks. `parseAntiEntropyMessage` parses the CRDT with that type's own parser.

import type { RunContext } from '../../../core/algorithm.js';
import { isBool, isRecord, type MessageChecks, parseByType } from '../../../core/validate.js';
import { type GCounter, gCounter } from '../../crdt/index.js';
import type { AntiEntropyOptions } from './options.js';
import { crdtOf } from './workload.js';

export interface Replica {
  readonly crdt: unknown;
  readonly seen: GCounter;
}

export type AntiEntropyMessage =
  | { readonly type: 'Push'; readonly replica: Replica; readonly reply: boolean }
  | { readonly type: 'Pull'; readonly seen: GCounter }
  | { readonly type: 'Reply'; readonly replica: Replica };

export function parseAntiEntropyMessage(
  raw: unknown,
  ctx: RunContext<AntiEntropyOptions>,
): AntiEntropyMessage | undefined {
  const n = ctx.nodes.length;
  const t = crdtOf(ctx.options.crdt);
  const isReplica = (r: unknown) =>
    isRecord(r) && gCounter.parse(r.seen, n) !== undefined && t.parse(r.crdt, n) !== undefined;
  const checks: MessageChecks<AntiEntropyMessage> = {
    Push: (m) => isBool(m.reply) && isReplica(m.replica),
    Reply: (m) => isReplica(m.replica),
    Pull: (m) => gCounter.parse(m.seen, n) !== undefined,
  };
  return parseByType(checks, raw, n);
}
