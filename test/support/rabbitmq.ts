// The RabbitMQ launcher lives in src/runtime/launcher/rabbitmq.ts so that `cohort bench comm`
// (which must not import test/) starts the same node the tests do.

export { RABBITMQ_BIN_DIR, RabbitMqServer } from '../../src/runtime/launcher/rabbitmq.js';
