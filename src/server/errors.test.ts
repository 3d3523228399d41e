// The etcd error table: exact messages clients match on, their gRPC codes, and the mapping
// from a message back to its kind (clients see only code and message on the wire).

import { describe, expect, it } from 'vitest';
import {
  ETCD_ERRORS,
  EtcdError,
  type EtcdErrorKind,
  etcdErrorKindOf,
  GRPC_STATUS,
} from './errors.js';

describe('etcd errors', () => {
  it('carry etcd’s code, number and exact message', () => {
    const e = new EtcdError('compacted');
    expect(e.message).toBe('etcdserver: mvcc: required revision has been compacted');
    expect(e.code).toBe('OUT_OF_RANGE');
    expect(e.grpcCode).toBe(11);
    expect(e.retryable).toBe(false);
    expect(new EtcdError('noLeader').retryable).toBe(true);
    expect(new EtcdError('leaseNotFound').grpcCode).toBe(GRPC_STATUS.NOT_FOUND);
    expect(new EtcdError('tooManyOps').message).toBe(
      'etcdserver: too many operations in txn request',
    );
  });

  it('have distinct messages that map back to their kind', () => {
    const kinds = Object.keys(ETCD_ERRORS) as EtcdErrorKind[];
    expect(new Set(kinds.map((k) => ETCD_ERRORS[k].message)).size).toBe(kinds.length);
    for (const kind of kinds) {
      expect(etcdErrorKindOf(ETCD_ERRORS[kind].message)).toBe(kind);
      expect(ETCD_ERRORS[kind].message.startsWith('etcdserver: ')).toBe(true);
    }
    expect(etcdErrorKindOf('something else')).toBeUndefined();
  });
});
