// cohort/client's security options against a real server (every kind in API_SERVERS):
// user authentication (a token fetched at connect, sent with every call, renewed when the
// server drops it — here by `etcdctl auth disable` + `auth enable`, which clears etcd's
// simple tokens) and TLS with client certificates (etcd's --client-cert-auth).

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, EtcdError, GrpcError } from '../src/client/index.js';
import { makeTestPki, type TestPki } from '../src/runtime/testing/certs.js';
import { API_SERVERS, type ApiServer, ETCD_ONLY } from './support/api-servers.js';

const ETCDCTL = '/usr/bin/etcdctl';

function etcdctl(endpoint: string, args: readonly string[]): string {
  return execFileSync(ETCDCTL, ['--endpoints', endpoint, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

// Cohort's server lacks the Auth service (users, roles, auth enable).
describe.each(ETCD_ONLY)('client auth against $kind', ({ start }) => {
  let server: ApiServer;
  let endpoint: string;

  beforeAll(async () => {
    server = await start({ members: 1 });
    endpoint = server.endpoints[0] as string;
    etcdctl(endpoint, ['user', 'add', 'root:secret']);
    etcdctl(endpoint, ['auth', 'enable']); // etcdctl grants root the root role first.
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('authenticates, and renews a token the server dropped', async () => {
    const client = await connect({
      endpoints: [endpoint],
      auth: { username: 'root', password: 'secret' },
    });
    try {
      await client.put('auth/k', 'v1');
      etcdctl(endpoint, ['--user', 'root:secret', 'auth', 'disable']);
      etcdctl(endpoint, ['--user', 'root:secret', 'auth', 'enable']);
      // The client's token is gone on the server; the call renews it and goes through.
      await client.put('auth/k', 'v2');
      expect((await client.get('auth/k')).kvs[0]?.valueString()).toBe('v2');
    } finally {
      client.close();
    }
  });

  it("refuses calls without credentials and a wrong password, with etcd's errors", async () => {
    const anonymous = await connect({ endpoints: [endpoint] });
    try {
      const error = await anonymous.get('auth/k').catch((e) => e);
      expect(error).toBeInstanceOf(EtcdError);
      expect(error.kind).toBe('userEmpty');
    } finally {
      anonymous.close();
    }
    const wrong = await connect({
      endpoints: [endpoint],
      auth: { username: 'root', password: 'wrong' },
    }).catch((e) => e);
    expect(wrong).toBeInstanceOf(EtcdError);
    expect(wrong.kind).toBe('authFailed');
  });
});

describe.each(API_SERVERS)('client TLS against $kind', ({ start }) => {
  let server: ApiServer;
  let pki: TestPki;
  let clientCert: ReturnType<TestPki['issue']>;
  /** The server certificate names etcd-server, not 127.0.0.1. */
  const channelOptions = { 'grpc.ssl_target_name_override': 'etcd-server' };

  beforeAll(async () => {
    pki = makeTestPki();
    const serverCert = pki.issue('etcd-server');
    clientCert = pki.issue('client');
    server = await start({
      members: 1,
      tls: {
        certFile: serverCert.certFile,
        keyFile: serverCert.keyFile,
        caFile: path.join(pki.dir, 'ca.crt'),
        serverName: 'etcd-server',
        clientCertAuth: { certFile: clientCert.certFile, keyFile: clientCert.keyFile },
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('talks TLS with a client certificate', async () => {
    const client = await connect({
      endpoints: server.endpoints,
      tls: { ca: pki.ca, cert: clientCert.cert, key: clientCert.key },
      channelOptions,
    });
    try {
      await client.put('tls/k', 'v');
      expect((await client.get('tls/k')).count).toBe(1);
    } finally {
      client.close();
    }
  });

  it('cannot connect without a client certificate, or without trusting the CA', async () => {
    const noCert = await connect({
      endpoints: server.endpoints,
      tls: { ca: pki.ca },
      channelOptions,
      dialTimeoutMs: 1_000,
    })
      .then(async (client) => {
        // TLS 1.3 may finish the handshake before the server checks the certificate.
        try {
          return await client.get('tls/k', { timeoutMs: 5_000 });
        } finally {
          client.close();
        }
      })
      .catch((e) => e);
    expect(noCert).toBeInstanceOf(GrpcError);
    const otherCa = makeTestPki();
    const untrusted = await connect({
      endpoints: server.endpoints,
      tls: { ca: otherCa.ca, cert: clientCert.cert, key: clientCert.key },
      channelOptions,
      dialTimeoutMs: 1_000,
    }).catch((e) => e);
    expect(untrusted).toBeInstanceOf(GrpcError);
    expect(untrusted.code).toBe('UNAVAILABLE');
  });
});
