// ZAB's properties (Junqueira et al., DSN 2011, §III) as checks over the run's outputs,
// incrementally (each check reads only the outputs since its last call):
// - Integrity: a server delivers only transactions some leader proposed.
// - Agreement and total order: all servers deliver one sequence; each server's deliveries
//   are a prefix of it (a restarted server continues from its durable delivered zxid).
// - Primary order: each server delivers zxids in increasing order — a leader's proposals in
//   the order it made them, and every earlier epoch's before a later one's.
// - One proposal per zxid: two different transactions never carry the same zxid (that would
//   take two leaders in one epoch).
//
// Fault model: outputs survive crashes of the nodes that produced them.

import type { Invariant, Liveness, OutputRecord } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { sameKvOp } from '../../replicated-kv/ops.js';
import type { Txn, ZabOutput } from './messages.js';
import type { ZabState } from './state.js';
import { formatZxid } from './zxid.js';

type ZabInvariant = Invariant<ZabState, ZabOutput>;

const sameTxn = (a: Txn, b: Txn) =>
  a.zxid === b.zxid && a.origin === b.origin && a.seq === b.seq && sameKvOp(a.op, b.op);

/** Reads the outputs once for all checks. */
class Ledger {
  private cursor = 0;
  readonly proposed = new Map<number, Txn>();
  /** The one delivery sequence every server follows. */
  readonly order: Txn[] = [];
  /** How many deliveries each server made. */
  readonly position = new Map<NodeId, number>();
  readonly lastDelivered = new Map<NodeId, number>();
  integrity: string | undefined;
  agreement: string | undefined;
  primaryOrder: string | undefined;
  uniqueZxid: string | undefined;

  sync(outputs: readonly OutputRecord<ZabOutput>[]): void {
    for (; this.cursor < outputs.length; this.cursor++) {
      const r = outputs[this.cursor] as OutputRecord<ZabOutput>;
      if (r.output.type === 'propose') this.onPropose(r.output.txn);
      else if (r.output.type === 'deliver') this.onDeliver(r.node, r.output.txn);
    }
  }

  private onPropose(txn: Txn): void {
    const prev = this.proposed.get(txn.zxid);
    if (prev === undefined) this.proposed.set(txn.zxid, txn);
    else if (!sameTxn(prev, txn))
      this.uniqueZxid ??= `two transactions proposed as zxid ${formatZxid(txn.zxid)}`;
  }

  private onDeliver(node: NodeId, txn: Txn): void {
    const proposed = this.proposed.get(txn.zxid);
    if (proposed === undefined || !sameTxn(proposed, txn))
      this.integrity ??= `node ${node} delivered ${formatZxid(txn.zxid)}, never proposed as such`;
    const last = this.lastDelivered.get(node) ?? 0;
    if (txn.zxid <= last)
      this.primaryOrder ??= `node ${node} delivered ${formatZxid(txn.zxid)} after ${formatZxid(last)}`;
    this.lastDelivered.set(node, txn.zxid);
    const i = this.position.get(node) ?? 0;
    this.position.set(node, i + 1);
    const agreed = this.order[i];
    if (agreed === undefined) this.order.push(txn);
    else if (!sameTxn(agreed, txn))
      this.agreement ??=
        `node ${node}'s delivery #${i + 1} is ${formatZxid(txn.zxid)}, ` +
        `another server's is ${formatZxid(agreed.zxid)}`;
  }
}

export function zabInvariants(): ZabInvariant[] {
  const ledger = new Ledger();
  const check = (name: string, pick: (l: Ledger) => string | undefined): ZabInvariant => ({
    name,
    check(view) {
      ledger.sync(view.outputs);
      return pick(ledger);
    },
  });
  return [
    check('integrity', (l) => l.integrity),
    check('agreement and total order', (l) => l.agreement),
    check('primary order', (l) => l.primaryOrder),
    check('one transaction per zxid', (l) => l.uniqueZxid),
  ];
}

/** Once faults heal: every live server's operations are delivered, and all as far. */
export function zabLiveness(): Liveness<ZabState, ZabOutput>[] {
  return [
    {
      name: 'every live server delivers every operation',
      check(view) {
        const up = view.nodes.filter((n) => n.up && n.state !== undefined);
        const behind = up.filter((n) => n.state?.pending !== null);
        if (behind.length > 0) return `operations of ${behind.map((n) => n.id).join(',')} pending`;
        const ends = new Set(up.map((n) => n.state?.delivered));
        return ends.size <= 1 ? undefined : `servers delivered up to different zxids`;
      },
    },
  ];
}
