// Typed RPC over gRPC (issue 21): services loaded from .proto files, a server that registers
// itself in the service registry, and a client that balances over the registry's live
// instances with deadlines passed on, retries under a budget and hedged requests. See
// docs/rpc.md.

export {
  type CallOptions,
  type HedgeOptions,
  type RetryOptions,
  RpcClient,
  type RpcClientOptions,
  type RpcClientStats,
} from './client.js';
export { type CallContext, currentCall } from './context.js';
export {
  type CallRecord,
  type EchoMethods,
  type EchoReply,
  type EchoStats,
  echoHandlers,
  echoService,
} from './echo-service.js';
export { RpcError, type RpcErrorCode } from './errors.js';
export { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';
export {
  type Handler,
  type Handlers,
  type RpcServer,
  type RpcServerOptions,
  startRpcServer,
} from './server.js';
export {
  loadService,
  type MethodMap,
  type RpcMethod,
  type RpcService,
  type ServiceSpec,
} from './service.js';
export type { RpcTarget, TargetOptions } from './targets.js';
