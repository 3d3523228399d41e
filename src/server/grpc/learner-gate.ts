// What a learner member serves, as etcd 3.4's gRPC interceptors decide
// (etcdserver/api/v3rpc/interceptor.go and util.go isRPCSupportedForLearner): Maintenance's
// Status and serializable Range only. Every other call — writes, linearizable reads, every
// stream — is refused with "etcdserver: rpc not supported for learner", which clients take
// as a cue to try another endpoint. Checked per call: a learner promoted to voter serves
// everything from its next call on.
//
// Fault model: requests are untrusted; the check reads only the `serializable` flag.

import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { isLearner } from '../../algorithms/consensus/raft/state.js';
import type { MethodKinds } from '../auth/gate.js';
import { EtcdError } from '../errors.js';
import type { EtcdServer } from '../etcd-server.js';
import type { Wire } from '../wire.js';
import { toStatus } from './call.js';

type Handler = (...args: never[]) => void;
type UnaryCall = ServerUnaryCall<Wire, Wire>;

function supported(service: string, method: string, request: Wire | undefined): boolean {
  if (service === 'Maintenance' && method === 'Status') return true;
  return service === 'KV' && method === 'Range' && request?.serializable === true;
}

/** `impl` with every method refusing what a learner does not serve, while this member is one. */
export function learnerGate(
  server: EtcdServer,
  log: Logger,
  service: string,
  kinds: MethodKinds,
  impl: object,
): object {
  const refusal = () => toStatus(new EtcdError('notSupportedForLearner'), log);
  const out: Record<string, Handler> = {};
  for (const [method, inner] of Object.entries(impl as Record<string, Handler>)) {
    const kind = kinds[method];
    if (kind === undefined) out[method] = inner;
    else if (kind.requestStream || kind.responseStream)
      // Streams: none is served to a learner (etcd 3.4's stream interceptor).
      out[method] = ((call: { destroy(e: Error): void }) => {
        if (!isLearner(server.raft)) return (inner as (c: typeof call) => void)(call);
        const s = refusal();
        call.destroy(Object.assign(new Error(s.details), s));
      }) as Handler;
    else
      out[method] = ((call: UnaryCall, callback: sendUnaryData<Wire>) => {
        if (isLearner(server.raft) && !supported(service, method, call.request))
          return callback(refusal() as never);
        (inner as (c: UnaryCall, cb: sendUnaryData<Wire>) => void)(call, callback);
      }) as Handler;
  }
  return out;
}
