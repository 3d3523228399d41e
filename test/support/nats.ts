// The NATS JetStream launcher lives in src/runtime/launcher/nats.ts so that `cohort bench
// comm` (which must not import test/) starts the same server the tests do.

export { NATS_BIN, NatsServer } from '../../src/runtime/launcher/nats.js';
