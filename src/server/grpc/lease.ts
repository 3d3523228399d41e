// etcd's Lease service. Grants take an id the proposer draws when the client leaves it 0;
// keep-alives renew through Raft (so any member can take them and a failover loses none);
// a keep-alive for a lease that does not exist is answered with TTL 0, as etcd does, and
// the stream stays open. Expiry is the leader's business (etcd-server.ts keepLeases).
//
// Fault model: clients are untrusted; a keep-alive stream may be abandoned at any point.

import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EtcdError } from '../errors.js';
import type { EtcdServer } from '../etcd-server.js';
import { checkLeaseGrantRequest } from '../mvcc/index.js';
import { big, int, long, responseToWire, type Wire } from '../wire.js';
import { toStatus, type Unary, unary } from './call.js';

type KeepAliveCall = ServerDuplexStream<Wire, Wire>;

export function leaseService(
  server: EtcdServer,
  log: Logger,
): Record<string, Unary | ((call: KeepAliveCall) => void)> {
  const respond = (response: Wire) =>
    responseToWire(response, server.header((response.header as { revision: number }).revision));
  const now = () => Math.floor(server.o.clock());
  return {
    LeaseGrant: unary(log, async (w) => {
      const requested = big(w.ID);
      const request = { TTL: int(w.TTL), ID: requested === 0n ? server.newLeaseId() : requested };
      checkLeaseGrantRequest(request);
      return respond(await server.write({ type: 'leaseGrant', request, nowMs: now() }));
    }),
    LeaseRevoke: unary(log, async (w) =>
      respond(await server.write({ type: 'leaseRevoke', request: { ID: big(w.ID) } })),
    ),
    LeaseTimeToLive: unary(log, async (w) => {
      const request = { ID: big(w.ID), keys: w.keys === true };
      return respond(await server.read({ type: 'leaseTimeToLive', request, nowMs: now() }, false));
    }),
    LeaseLeases: unary(log, async () => {
      const r = await server.read({ type: 'leaseLeases' }, false);
      const leases = (r.leases as { ID: bigint }[]).map((l) => ({ ID: long(l.ID) }));
      return { ...respond(r), leases };
    }),
    LeaseKeepAlive(call: KeepAliveCall) {
      call.on('data', (w: Wire) => {
        const ID = big(w.ID);
        server
          .write({ type: 'leaseKeepAlive', request: { ID }, nowMs: now() })
          .then(
            (r) => respond(r),
            (error: unknown) => {
              if (error instanceof EtcdError && error.kind === 'leaseNotFound')
                return {
                  header: server.header(server.machine.mvcc.revision),
                  ID: long(ID),
                  TTL: 0,
                };
              throw error;
            },
          )
          .then(
            (response) => {
              if (!call.cancelled && call.writable) call.write(response);
            },
            (error: unknown) => {
              if (!call.cancelled) call.destroy(Object.assign(new Error(), toStatus(error, log)));
            },
          );
      });
      call.on('end', () => call.end());
      call.on('error', () => {});
    },
  };
}
