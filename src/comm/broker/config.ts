// The broker's limits and timings, with defaults, and the validation of everything a client
// names or sizes (topic and group names, partition counts, message sizes, counts). Every
// table the broker keeps is bounded by one of these, so a misbehaving client can exhaust a
// limit (and get LimitExceededError) but not the broker's memory.
//
// Fault model: client input is untrusted; each check throws a typed BrokerError and changes
// nothing.

import { InvalidArgumentError, MessageTooLargeError } from './errors.js';

export interface BrokerConfig {
  /** The largest message value accepted, in bytes. */
  readonly maxMessageBytes: number;
  readonly maxKeyBytes: number;
  /** The most messages in one publish call (validated whole, durable once answered). */
  readonly maxBatchMessages: number;
  readonly maxTopics: number;
  readonly maxPartitions: number;
  readonly maxGroups: number;
  readonly maxMembersPerGroup: number;
  /** The most unacknowledged deliveries one consumer may hold (its credit). */
  readonly maxInFlightPerConsumer: number;
  /**
   * Per group and partition, how far deliveries may run ahead of the committed offset: bounds
   * the acknowledged-but-not-yet-committed offsets remembered when one message is stuck.
   */
  readonly maxWindow: number;
  readonly maxHalfMessages: number;
  /** Outcomes of finished transactions remembered, so a repeated commit gets its answer. */
  readonly maxTxOutcomes: number;
  /** A delivery not acknowledged within this is delivered again. */
  readonly ackTimeoutMs: number;
  /** The session timeout a member gets when it names none, and the bounds on what it names. */
  readonly sessionTimeoutMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  /** A half message with no outcome this long after prepare (or the last check) is checked. */
  readonly checkIntervalMs: number;
  readonly checkMaxAttempts: number;
  /** What happens to a half message whose checks all went unanswered. */
  readonly onCheckExhausted: 'rollback' | 'keep';
}

export const DEFAULT_CONFIG: BrokerConfig = {
  maxMessageBytes: 1024 * 1024,
  maxKeyBytes: 4096,
  maxBatchMessages: 1000,
  maxTopics: 1000,
  maxPartitions: 256,
  maxGroups: 1000,
  maxMembersPerGroup: 256,
  maxInFlightPerConsumer: 256,
  maxWindow: 10_000,
  maxHalfMessages: 100_000,
  maxTxOutcomes: 100_000,
  ackTimeoutMs: 30_000,
  sessionTimeoutMs: 10_000,
  minSessionTimeoutMs: 100,
  maxSessionTimeoutMs: 300_000,
  checkIntervalMs: 5_000,
  checkMaxAttempts: 5,
  onCheckExhausted: 'rollback',
};

export function brokerConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  const c = { ...DEFAULT_CONFIG, ...overrides };
  for (const [k, v] of Object.entries(c))
    if (typeof v === 'number' && !(Number.isSafeInteger(v) && v > 0))
      throw new InvalidArgumentError(`${k} must be a positive integer, got ${v}`);
  if (c.onCheckExhausted !== 'rollback' && c.onCheckExhausted !== 'keep')
    throw new InvalidArgumentError(`onCheckExhausted must be 'rollback' or 'keep'`);
  return c;
}

export interface TopicConfig {
  readonly partitions: number;
  /** Per partition: oldest records are deleted while the partition holds more (0: no limit). */
  readonly retentionBytes: number;
  /** Records older than this are deleted (0: no limit). */
  readonly retentionMs: number;
}

/** Topic, group and producer-group names: they become parts of storage keys. */
const NAME = /^[A-Za-z0-9._-]{1,200}$/;

export function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new InvalidArgumentError(
      `${what} must be 1 to 200 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(String(name).slice(0, 40))}`,
    );
  return name;
}

export function checkCount(what: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(`${what} must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}

export function checkTopicConfig(c: BrokerConfig, t: TopicConfig): TopicConfig {
  return {
    partitions: checkCount('partitions', t.partitions, 1, c.maxPartitions),
    retentionBytes: checkCount('retentionBytes', t.retentionBytes, 0, Number.MAX_SAFE_INTEGER),
    retentionMs: checkCount('retentionMs', t.retentionMs, 0, Number.MAX_SAFE_INTEGER),
  };
}

export interface MessageInput {
  /** Messages with the same key go to the same partition (and keep their order). */
  readonly key?: string | null;
  readonly value: Uint8Array;
  /** An explicit partition instead of the key's. */
  readonly partition?: number | null;
}

export function checkMessage(c: BrokerConfig, m: MessageInput): void {
  if (!(m.value instanceof Uint8Array)) throw new InvalidArgumentError('value must be bytes');
  if (m.value.length > c.maxMessageBytes)
    throw new MessageTooLargeError(m.value.length, c.maxMessageBytes);
  if (m.key !== undefined && m.key !== null) {
    if (typeof m.key !== 'string') throw new InvalidArgumentError('key must be a string');
    const bytes = Buffer.byteLength(m.key);
    if (bytes > c.maxKeyBytes)
      throw new InvalidArgumentError(`key of ${bytes} bytes exceeds ${c.maxKeyBytes}`);
  }
}
