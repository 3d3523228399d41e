// One RPC server process for test/rpc.test.ts: serves the echo service (src/comm/rpc/
// echo-service.ts) on a free port of 127.0.0.1 and registers itself in the registry at
// `--endpoints` as `--instance` on a lease of `--ttl-ms`; Relay calls go through an RpcClient
// over the same registry (so a nested call crosses processes). Prints one JSON ready line.
//
//   node --import tsx test/support/rpc-agent.ts --endpoints 127.0.0.1:2379 --instance a --ttl-ms 2000
//
// Fault model: killed at any time by the test (that is the point); it never cleans up.

import { parseArgs } from 'node:util';
import { connect } from '../../src/client/client.js';
import { ServiceDirectory } from '../../src/client/recipes/registry.js';
import { RpcClient } from '../../src/comm/rpc/client.js';
import { echoHandlers, echoService } from '../../src/comm/rpc/echo-service.js';
import { startRpcServer } from '../../src/comm/rpc/server.js';

const { values } = parseArgs({
  options: {
    endpoints: { type: 'string' },
    instance: { type: 'string' },
    'ttl-ms': { type: 'string' },
  },
});
const endpoints = (values.endpoints ?? '').split(',');
const instance = values.instance ?? 'a';
const client = await connect({ endpoints });
const service = echoService();
const directory = new ServiceDirectory(client, service.name);
await directory.ready;
const relay = new RpcClient(service, { directory });
const server = await startRpcServer(service, echoHandlers(instance, () => relay).handlers, {
  registry: { client, instance, ttlMs: Number(values['ttl-ms'] ?? 2000) },
});
process.stdout.write(
  `${JSON.stringify({ event: 'ready', pid: process.pid, port: server.port, address: server.address })}\n`,
);
