// Transactional (half) messages, as RocketMQ has them: `prepare` stores a message durably but
// invisible to consumers; the producer then commits it (it is appended to its partition and
// delivered like any other) or rolls it back (it is dropped). When neither arrives within the
// check interval, the broker asks a producer of the same producer group — the producer's
// own process or, after it crashed, any process that registered a check handler for that
// group — what its local transaction did, and acts on the answer; after `checkMaxAttempts`
// checks with no answer it rolls the message back, or keeps it (`onCheckExhausted`).
// Finished transactions' outcomes are remembered (bounded, durably), so a producer that
// retries a commit after a lost reply learns what happened instead of "unknown".
//
// Durable: each half message (with its check count), each outcome. Check timers restart on
// a broker restart (timestamps from before are on another clock's terms). A commit appends the
// record to the record store, which the WAL does not order: its step stores the half again
// with where the record went (`committed`), and the host deletes the half (`forget`) only
// once the record is durable — recovery (machine.ts) appends again the record of a committed
// half whose partition ends before it, and forgets the others.
//
// Fault model: producers may crash at any point, answer late, answer twice, or answer for
// transactions that do not exist: every answer is validated against the table, a repeated
// answer gets the recorded outcome, an unknown id a typed error.

import type { Storage } from '../../core/process.js';
import { type BrokerConfig, checkMessage, checkName, type MessageInput } from './config.js';
import { InvalidArgumentError, LimitExceededError, UnknownTransactionError } from './errors.js';
import { halfKey, outcomeKey, txIdOf } from './keys.js';

export type Outcome = 'commit' | 'rollback';

/** A half message as stored. */
export interface StoredHalf {
  readonly txId: string;
  readonly producerGroup: string;
  readonly topic: string;
  readonly key: string | null;
  readonly partition: number | null;
  readonly value: Uint8Array;
  readonly preparedAt: number;
  readonly checks: number;
  /** Checks ran out and `onCheckExhausted` is 'keep': no more checks, it waits for an end. */
  readonly exhausted: boolean;
  /** Committed: where its record went (the half stays until the record is durable). */
  readonly committed?: { readonly partition: number; readonly offset: number };
}

interface Half extends StoredHalf {
  nextCheckAt: number;
}

export interface CheckRequest {
  readonly txId: string;
  readonly producerGroup: string;
  readonly topic: string;
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly preparedAt: number;
  /** 1 for the first check. */
  readonly attempt: number;
}

export interface HalvesHost {
  readonly storage: Storage;
  readonly config: BrokerConfig;
  readonly incarnation: number;
  /** Validates that the topic exists and the partition is in range (throws otherwise). */
  checkTarget(topic: string, partition: number | null): void;
  /** Appends a committed message to its partition (in the current step). */
  append(topic: string, message: MessageInput, now: number): { partition: number; offset: number };
}

export interface EndResult {
  readonly outcome: Outcome;
  /** Where a committed message went (absent if it was committed before this call). */
  readonly partition?: number;
  readonly offset?: number;
}

export class Halves {
  private readonly halves = new Map<string, Half>();
  private readonly outcomes = new Map<string, Outcome>();
  private readonly checkers = new Map<string, number>();
  private counter = 0;

  constructor(private readonly h: HalvesHost) {}

  get pending(): number {
    return this.halves.size;
  }

  restoreHalf(stored: StoredHalf, now: number): void {
    this.halves.set(stored.txId, { ...stored, nextCheckAt: now + this.h.config.checkIntervalMs });
  }

  restoreOutcome(txId: string, outcome: Outcome): void {
    this.outcomes.set(txId, outcome);
  }

  prepare(producerGroup: string, topic: string, message: MessageInput, now: number): string {
    checkName('producer group', producerGroup);
    checkName('topic', topic);
    checkMessage(this.h.config, message);
    this.h.checkTarget(topic, message.partition ?? null);
    if (this.halves.size >= this.h.config.maxHalfMessages)
      throw new LimitExceededError('half messages', this.h.config.maxHalfMessages);
    this.counter += 1;
    const txId = txIdOf(this.h.incarnation, this.counter);
    const half: StoredHalf = {
      txId,
      producerGroup,
      topic,
      key: message.key ?? null,
      partition: message.partition ?? null,
      value: message.value,
      preparedAt: now,
      checks: 0,
      exhausted: false,
    };
    this.h.storage.set(halfKey(txId), half);
    this.halves.set(txId, { ...half, nextCheckAt: now + this.h.config.checkIntervalMs });
    return txId;
  }

  end(txId: string, outcome: Outcome, now: number): EndResult {
    if (outcome !== 'commit' && outcome !== 'rollback')
      throw new InvalidArgumentError(`outcome must be 'commit' or 'rollback'`);
    if (typeof txId !== 'string' || txId.length > 64) throw new UnknownTransactionError('?');
    const half = this.halves.get(txId);
    if (half === undefined) {
      const done = this.outcomes.get(txId);
      if (done === undefined) throw new UnknownTransactionError(txId);
      return { outcome: done };
    }
    this.halves.delete(txId);
    this.remember(txId, outcome);
    if (outcome === 'rollback') {
      this.h.storage.delete(halfKey(txId));
      return { outcome };
    }
    const message = { key: half.key, value: half.value, partition: half.partition };
    const at = this.h.append(half.topic, message, now);
    const { nextCheckAt, ...stored } = half;
    this.h.storage.set(halfKey(txId), { ...stored, committed: at });
    return { outcome, ...at };
  }

  /** The record of committed `txId` is durable: its half is no longer needed. */
  forget(txId: string): void {
    this.h.storage.delete(halfKey(txId));
  }

  registerChecker(producerGroup: string): void {
    checkName('producer group', producerGroup);
    this.checkers.set(producerGroup, (this.checkers.get(producerGroup) ?? 0) + 1);
  }

  unregisterChecker(producerGroup: string): void {
    const n = (this.checkers.get(producerGroup) ?? 0) - 1;
    if (n > 0) this.checkers.set(producerGroup, n);
    else this.checkers.delete(producerGroup);
  }

  /**
   * Half messages due for a check: a check request each (when a checker of its group is
   * connected; otherwise it waits and the attempt is not counted), and, past the last
   * attempt, the configured end.
   */
  tick(now: number): { checks: CheckRequest[]; exhausted: string[] } {
    const checks: CheckRequest[] = [];
    const exhausted: string[] = [];
    const c = this.h.config;
    for (const half of [...this.halves.values()]) {
      if (half.exhausted || half.nextCheckAt > now) continue;
      half.nextCheckAt = now + c.checkIntervalMs;
      if (half.checks >= c.checkMaxAttempts) {
        exhausted.push(half.txId);
        if (c.onCheckExhausted === 'rollback') this.end(half.txId, 'rollback', now);
        else this.store({ ...half, exhausted: true });
        continue;
      }
      if (!this.checkers.has(half.producerGroup)) continue;
      this.store({ ...half, checks: half.checks + 1 });
      checks.push({
        txId: half.txId,
        producerGroup: half.producerGroup,
        topic: half.topic,
        key: half.key,
        value: half.value,
        preparedAt: half.preparedAt,
        attempt: half.checks + 1,
      });
    }
    return { checks, exhausted };
  }

  private store(half: Half): void {
    const { nextCheckAt, ...stored } = half;
    this.halves.set(half.txId, half);
    this.h.storage.set(halfKey(half.txId), stored);
  }

  /** Records an outcome, forgetting the oldest beyond the bound. */
  private remember(txId: string, outcome: Outcome): void {
    this.outcomes.set(txId, outcome);
    this.h.storage.set(outcomeKey(txId), outcome);
    while (this.outcomes.size > this.h.config.maxTxOutcomes) {
      const oldest = this.outcomes.keys().next().value as string;
      this.outcomes.delete(oldest);
      this.h.storage.delete(outcomeKey(oldest));
    }
  }
}
