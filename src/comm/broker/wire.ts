// Between the broker's types and its gRPC messages (proto/cohort/broker.proto): proto3 has
// no "absent", so optional fields travel with a has_ flag; typed errors travel as a status
// code plus the broker's own code in the trailing metadata ("broker-error-code").
//
// Fault model: decoded requests are untrusted; field types are fixed by proto-loader, so
// what is left to validate (names, ranges, sizes) is the machine's job (config.ts).

import { Metadata, status } from '@grpc/grpc-js';
import type { MessageInput, TopicConfig } from './config.js';
import type { BrokerErrorCode } from './errors.js';
import type { Delivery } from './groups.js';
import type { CheckRequest } from './halves.js';

export const ERROR_CODE_KEY = 'broker-error-code';
/** Replicated mode: the broker id a NotLeaderError names (errors.ts). */
export const LEADER_KEY = 'broker-leader';

export interface WireMessage {
  hasKey: boolean;
  key: string;
  value: Buffer;
  hasPartition: boolean;
  partition: number;
}

export interface WirePosition {
  topic: string;
  partition: number;
  offset: number;
}

/** A CreateTopic request as proto-loader gives it (absent numbers are 0). */
export interface CreateTopicRequest {
  readonly topic: string;
  readonly partitions: number;
  readonly retentionBytes: number;
  readonly retentionMs: number;
}

/** Its topic configuration: 0 partitions (the proto's default) is 1. */
export function topicConfigFromWire(r: CreateTopicRequest): Partial<TopicConfig> {
  return {
    partitions: r.partitions || 1,
    retentionBytes: r.retentionBytes,
    retentionMs: r.retentionMs,
  };
}

export function messageFromWire(m: WireMessage | null | undefined): MessageInput {
  return {
    key: m?.hasKey === true ? m.key : null,
    value: m?.value ?? Buffer.alloc(0),
    partition: m?.hasPartition === true ? m.partition : null,
  };
}

export function messageToWire(m: MessageInput): WireMessage {
  const hasKey = m.key !== undefined && m.key !== null;
  const hasPartition = m.partition !== undefined && m.partition !== null;
  return {
    hasKey,
    key: hasKey ? (m.key as string) : '',
    value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength),
    hasPartition,
    partition: hasPartition ? (m.partition as number) : 0,
  };
}

export function deliveryToWire(d: Delivery) {
  return {
    topic: d.topic,
    partition: d.partition,
    offset: d.offset,
    hasKey: d.key !== null,
    key: d.key ?? '',
    value: d.value,
    timestamp: d.timestamp,
    attempt: d.attempt,
  };
}

export function checkToWire(c: CheckRequest) {
  return {
    txId: c.txId,
    topic: c.topic,
    hasKey: c.key !== null,
    key: c.key ?? '',
    value: c.value,
    preparedAt: c.preparedAt,
    attempt: c.attempt,
  };
}

const STATUS: Record<BrokerErrorCode, status> = {
  'invalid-argument': status.INVALID_ARGUMENT,
  'unknown-topic': status.NOT_FOUND,
  'topic-exists': status.ALREADY_EXISTS,
  'message-too-large': status.INVALID_ARGUMENT,
  'limit-exceeded': status.RESOURCE_EXHAUSTED,
  'unknown-member': status.NOT_FOUND,
  'illegal-generation': status.FAILED_PRECONDITION,
  'not-assigned': status.FAILED_PRECONDITION,
  'stale-delivery': status.FAILED_PRECONDITION,
  'offset-out-of-range': status.OUT_OF_RANGE,
  'unknown-transaction': status.NOT_FOUND,
  'not-leader': status.UNAVAILABLE,
  unavailable: status.UNAVAILABLE,
};

export function statusOf(code: BrokerErrorCode, message: string, leader?: number | null) {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, code);
  if (typeof leader === 'number') metadata.set(LEADER_KEY, String(leader));
  return { code: STATUS[code], details: message, metadata };
}
