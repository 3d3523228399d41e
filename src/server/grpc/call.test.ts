// The Go text of etcd's status errors, as etcd 3.4 sends it where a string is expected (a
// refused watch's cancel_reason): grpc-go's "rpc error: code = <Code> desc = <message>".
// The two literals are what a real etcd 3.4 sent the etcd3 package
// (test/etcd3-client-live.test.ts); the code names are grpc-go's for every status.

import { describe, expect, it } from 'vitest';
import { EtcdError } from '../errors.js';
import { goStatusText } from './call.js';

describe('goStatusText', () => {
  it('says what etcd 3.4 says for a refused watch', () => {
    expect(goStatusText(new EtcdError('permissionDenied'))).toBe(
      'rpc error: code = PermissionDenied desc = etcdserver: permission denied',
    );
    expect(goStatusText(new EtcdError('userEmpty'))).toBe(
      'rpc error: code = InvalidArgument desc = etcdserver: user name is empty',
    );
    expect(goStatusText(new EtcdError('invalidAuthToken'))).toBe(
      'rpc error: code = Unauthenticated desc = etcdserver: invalid auth token',
    );
    expect(goStatusText(new EtcdError('authOldRevision'))).toBe(
      'rpc error: code = InvalidArgument desc = etcdserver: revision of auth store is old',
    );
  });
});
