// Cohort's real distributed transactions (issue 18): XA two-phase commit across PostgreSQL
// databases, TCC (try/confirm/cancel) and orchestrated sagas, each with a durable
// coordinator log on the runtime's WAL and recovery after a crash; the outbox (the local
// message table) relayed to RabbitMQ with an idempotent consumer; and transactional messages
// (half messages with check-back) on Cohort's broker, or relayed to RabbitMQ through the
// outbox behind the same producer API. See docs/transactions.md.
//
// Fault model: see each module (errors are typed, and name the transaction: errors.ts).

export { DurableLog } from './durable-log.js';
export {
  BranchConflictError,
  InDoubtError,
  InvalidTransactionArgument,
  ParticipantError,
  ParticipantTimeoutError,
  SuspendedTryError,
  TransactionAbortedError,
  TransactionError,
  type TransactionErrorCode,
  UnknownTransactionError,
} from './errors.js';
export {
  type AccountRef,
  InsufficientFunds,
  openAccounts,
  type Transfer,
  transfer,
} from './examples/bank-transfer.js';
export {
  ORDER_GROUP,
  ORDER_MESSAGE_SCHEMAS,
  ORDER_TOPIC,
  PAYMENT_GROUP,
  PAYMENT_TOPIC,
  placeOrder,
  startInventoryService,
  startPaymentService,
} from './examples/order-messages.js';
export {
  ORDER_SCHEMAS,
  type OrderInput,
  OrderRefused,
  type OrderServices,
  orderSaga,
} from './examples/order-saga.js';
export {
  type AccountChange,
  accountBusiness,
  InsufficientBalance,
  openTccAccounts,
  TCC_ACCOUNTS_SCHEMA,
} from './examples/tcc-transfer.js';
export {
  type ConsumedMessage,
  type ConsumerStats,
  IdempotentConsumer,
  type IdempotentConsumerOptions,
} from './outbox/consumer.js';
export {
  BadMessageError,
  BadOutboxRowError,
  BrokerBlockedError,
  BrokerUnavailableError,
  ConfirmTimeoutError,
  OutboxError,
  type OutboxErrorCode,
  OutboxInvalidArgument,
  PayloadTooLargeError,
  PublishRefusedError,
  UnroutableError,
} from './outbox/errors.js';
export {
  type Enqueued,
  Outbox,
  type OutboxMessage,
  type OutboxOptions,
  type OutboxTransaction,
} from './outbox/outbox.js';
export {
  OutboxRelay,
  type OutboxRelayOptions,
  type RelayPoint,
  type RelayStats,
} from './outbox/relay.js';
export { type PgConnection, PgParticipant, type PgParticipantOptions } from './pg-participant.js';
export { DEFAULT_RETRY, type RetryOptions, withRetries } from './retry.js';
export {
  type SagaContext,
  type SagaDefinition,
  type SagaHookStep,
  type SagaOptions,
  SagaOrchestrator,
  type SagaRecord,
  type SagaResult,
  type SagaStep,
} from './saga/orchestrator.js';
export { PgSagaEffects, StepCompensatedError } from './saga/pg-effects.js';
export {
  type TccBranch,
  TccCoordinator,
  type TccOptions,
  type TccRecord,
  type TccRecoveryReport,
  type TccStep,
} from './tcc/coordinator.js';
export {
  type BranchRef,
  type BranchState,
  type PgTccOptions,
  PgTccParticipant,
  type TccBusiness,
  type TccResource,
} from './tcc/participant.js';
export {
  BadDeliveryError,
  type BrokerConsumerOptions,
  type BrokerDelivery,
  BrokerIdempotentConsumer,
  type ConsumedTxMessage,
  type DeliverySource,
  type TxConsumerStats,
} from './transactional-message/consumer.js';
export { type LocalOutcome, LocalTransactionLog } from './transactional-message/local-log.js';
export { OutboxTransactionalProducer } from './transactional-message/outbox-producer.js';
export {
  type BrokerProducerOptions,
  BrokerTransactionalProducer,
  type HalfMessageBroker,
  type LocalTransaction,
  type ProducerStep,
  type SendResult,
  type SendStatus,
  type TransactionalMessageProducer,
  type TxMessage,
  type TxOutcome,
} from './transactional-message/producer.js';
export { formatGid, type Gid, parseGid } from './xa/gid.js';
export {
  type XaHooks,
  type XaOptions,
  type XaStep,
  type XaTransaction,
  XaTransactionManager,
} from './xa/manager.js';
export type { RecoveryReport, XaDecisionRecord } from './xa/recovery.js';
