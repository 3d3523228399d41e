// The checks of txn/transactional-message.
//
// Safety, over the outputs (each emitted in the step that made the matching write durable):
//   - no consumer acts on a rolled-back order: a consumer applies an order only after the
//     order service made its local commit durable (acting before it — the naive flow
//     without half messages — is acting on an order that may yet roll back);
//   - no order consumed twice: each consumer applies each order's effect at most once;
//   - the chain's order: a consumer acts on an order only after the one before it did
//     (payment, then inventory);
//   - the broker resolves as the local transaction did: its commit or rollback of a half
//     message agrees with the order's durable local outcome (a check-back exhausted while
//     the order service is away breaks it: RocketMQ's bound).
// Liveness, over the final states, once faults heal: every order begun and its local
// transaction ended, no half message left pending, and every committed order consumed by
// every consumer.

import type { ClusterView, Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { incremental } from '../shared/checks.js';
import type { TxnOutcome } from '../shared/outputs.js';
import { consumerName, type TxMsgOptions, txMsgConfig } from './options.js';
import type { TxMsgOutput } from './outputs.js';
import { BROKER, PRODUCER, type TxMsgState } from './state.js';

export const ONLY_COMMITTED_CONSUMED = 'no consumer acts on a rolled-back order';
export const CONSUMED_ONCE = 'no order consumed twice';
export const CHAIN_ORDER = 'consumers act in the chain’s order';
export const RESOLUTION_MATCHES = 'the broker resolves as the local transaction did';
export const EVERY_ORDER_DECIDED = 'every order’s local transaction ended';
export const EVERY_HALF_RESOLVED = 'every half message resolved';
export const EVERY_COMMIT_CONSUMED = 'every committed order consumed by every consumer';

type Inv = Invariant<TxMsgState, TxMsgOutput>;
type Live = Liveness<TxMsgState, TxMsgOutput>;
type View = ClusterView<TxMsgState, TxMsgOutput>;

/** Per order, the order service's local outcome so far (from its `decide` outputs). */
function localOutcomes() {
  const local = new Map<number, TxnOutcome>();
  return {
    local,
    see(o: TxMsgOutput, node: NodeId) {
      if (o.type === 'decide' && node === PRODUCER) local.set(o.txn, o.outcome);
    },
  };
}

function onlyCommittedConsumed(): Inv {
  const { local, see } = localOutcomes();
  return {
    name: ONLY_COMMITTED_CONSUMED,
    check: incremental<TxMsgOutput>((o, node) => {
      see(o, node);
      if (o.type !== 'consume') return undefined;
      const outcome = local.get(o.txn);
      if (outcome === 'commit') return undefined;
      const what = outcome === 'abort' ? 'rolled back' : 'not (yet) committed';
      return `${consumerName(node)} (node ${node}) acted on order ${o.txn}, ${what}`;
    }),
  };
}

function consumedOnce(): Inv {
  const consumed = new Set<string>();
  return {
    name: CONSUMED_ONCE,
    check: incremental<TxMsgOutput>((o, node) => {
      if (o.type !== 'consume') return undefined;
      const key = `${node}/${o.txn}`;
      if (!consumed.has(key)) consumed.add(key);
      else return `${consumerName(node)} (node ${node}) applied order ${o.txn} again`;
      return undefined;
    }),
  };
}

function chainOrder(consumers: readonly NodeId[]): Inv {
  const consumed = new Set<string>();
  return {
    name: CHAIN_ORDER,
    check: incremental<TxMsgOutput>((o, node) => {
      if (o.type !== 'consume') return undefined;
      consumed.add(`${node}/${o.txn}`);
      const before = consumers[consumers.indexOf(node) - 1];
      if (before === undefined || consumed.has(`${before}/${o.txn}`)) return undefined;
      return `${consumerName(node)} acted on order ${o.txn} before ${consumerName(before)}`;
    }),
  };
}

function resolutionMatches(): Inv {
  const { local, see } = localOutcomes();
  const resolved = new Map<number, TxnOutcome>();
  const disagree = (txn: number) => {
    const a = local.get(txn);
    const b = resolved.get(txn);
    return a !== undefined && b !== undefined && a !== b;
  };
  return {
    name: RESOLUTION_MATCHES,
    check: incremental<TxMsgOutput>((o, node) => {
      see(o, node);
      if (o.type === 'outcome' && node === BROKER) resolved.set(o.txn, o.outcome);
      if ((o.type !== 'outcome' && o.type !== 'decide') || !disagree(o.txn)) return undefined;
      return `order ${o.txn}: local transaction ${local.get(o.txn)}, broker ${resolved.get(o.txn)}`;
    }),
  };
}

export function txMsgInvariants(ctx: RunContext<TxMsgOptions>): Inv[] {
  const { consumers } = txMsgConfig(ctx.nodes.length, ctx.options);
  return [onlyCommittedConsumed(), consumedOnce(), chainOrder(consumers), resolutionMatches()];
}

const stateOf = (view: View, id: NodeId) => view.nodes[id - 1]?.state;

function everyOrderDecided(transactions: number): Live {
  return {
    name: EVERY_ORDER_DECIDED,
    check(view) {
      const s = stateOf(view, PRODUCER);
      if (s === undefined) return 'the order service is down';
      if (s.begun < transactions) return `the order service began ${s.begun} of ${transactions}`;
      for (let txn = 1; txn <= s.begun; txn++)
        if (s.outcomes[txn] === undefined) return `order ${txn}'s local transaction is running`;
      return undefined;
    },
  };
}

const everyHalfResolved: Live = {
  name: EVERY_HALF_RESOLVED,
  check(view) {
    const s = stateOf(view, BROKER);
    if (s === undefined) return 'the broker is down';
    const pending = Object.keys(s.halves);
    return pending.length === 0 ? undefined : `half messages pending: orders ${pending}`;
  },
};

function everyCommitConsumed(consumers: readonly NodeId[]): Live {
  return {
    name: EVERY_COMMIT_CONSUMED,
    check(view) {
      const producer = stateOf(view, PRODUCER);
      if (producer === undefined) return 'the order service is down';
      for (const [txn, outcome] of Object.entries(producer.outcomes)) {
        if (outcome !== 'commit') continue;
        for (const id of consumers) {
          const s = stateOf(view, id);
          if (s === undefined) return `${consumerName(id)} (node ${id}) is down`;
          if (!s.consumed.includes(Number(txn)))
            return `committed order ${txn} not consumed by ${consumerName(id)} (node ${id})`;
        }
      }
      return undefined;
    },
  };
}

export function txMsgLiveness(ctx: RunContext<TxMsgOptions>): Live[] {
  const { consumers } = txMsgConfig(ctx.nodes.length, ctx.options);
  return [
    everyOrderDecided(ctx.options.transactions),
    everyHalfResolved,
    everyCommitConsumed(consumers),
  ];
}
