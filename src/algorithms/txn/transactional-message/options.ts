// Options of txn/transactional-message and the fixed per-run config its handlers read. The
// workload is the family's (../shared/workload.ts: `transactions` orders, one every
// `intervalMs`); an order's local transaction fails with `failProbability` percent. Three
// switches turn the protocol into the naive flows it exists to avoid — no check-back, no
// dedup set, no half messages — for the scenarios that show what each one guards.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { txnWorkloadOptionSpecs } from '../shared/workload.js';
import type { TxMsgMessage } from './messages.js';
import type { TxMsgOutput } from './outputs.js';
import type { TxMsgState } from './state.js';

const ms = (def: number, description: string) =>
  ({ kind: 'int', default: def, min: 1, max: 600_000, description }) as const;

export const txMsgOptionSpecs = {
  transactions: {
    ...txnWorkloadOptionSpecs.transactions,
    description: 'orders the order service creates, one every interval',
  },
  intervalMs: {
    ...txnWorkloadOptionSpecs.intervalMs,
    description: 'time between two orders (order service clock, ms)',
  },
  failProbability: {
    kind: 'int',
    default: 20,
    min: 0,
    max: 100,
    description: 'chance, in percent, that an order’s local transaction fails (rolled back)',
  },
  localTxnMs: {
    kind: 'int',
    default: 20,
    min: 0,
    max: 600_000,
    description: 'how long the order service’s local transaction runs after the half is stored',
  },
  retryMs: ms(100, 'period of the timeout checks (both sides) and of resending a half message'),
  halfTimeoutMs: ms(300, 'the order service gives an order up when its half is not stored by then'),
  checkIntervalMs: ms(300, 'the broker checks back on a half message left this long unresolved'),
  checkMaxAttempts: {
    kind: 'int',
    default: 15,
    min: 1,
    max: 1_000,
    description: 'check-backs per half message before the broker rolls it back (RocketMQ: 15)',
  },
  redeliverMs: ms(200, 'the broker delivers an order again when its ack is this late'),
  checkBack: {
    kind: 'bool',
    default: true,
    description: 'the broker checks back on half messages whose outcome never came (off: naive)',
  },
  dedup: {
    kind: 'bool',
    default: true,
    description: 'consumers keep a durable set of the orders applied and skip redeliveries',
  },
  halfMessages: {
    kind: 'bool',
    default: true,
    description: 'the message is held until the local transaction commits (off: sent at once)',
  },
} as const satisfies OptionSpecs;

export type TxMsgOptions = OptionsOf<typeof txMsgOptionSpecs>;

export interface TxMsgConfig {
  readonly opts: TxMsgOptions;
  /** Nodes 3..n in delivery order: payment, then inventory, then any further ones. */
  readonly consumers: readonly NodeId[];
}

export type X = Step<TxMsgMessage, TxMsgOutput, TxMsgState, TxMsgConfig>;

export function consumerIds(n: number): NodeId[] {
  return Array.from({ length: n - 2 }, (_, i) => i + 3);
}

export function txMsgConfig(n: number, opts: TxMsgOptions): TxMsgConfig {
  return { opts, consumers: consumerIds(n) };
}

/** The consumers' names in the notes' flow (further consumers are numbered). */
export function consumerName(id: NodeId): string {
  return id === 3 ? 'payment' : id === 4 ? 'inventory' : `consumer ${id}`;
}
