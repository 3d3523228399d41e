// The server of the `rpc` workload (bench/comm-rpc.ts): a plain @grpc/grpc-js server (no
// Cohort code on the serving path) for proto/cohort/echo.proto's Echo on a free port of
// 127.0.0.1, which both clients under test call. Run as a script, it is its own process and
// prints one JSON ready line; the bundled CLI, which has no file to run, starts it in-process.
//
// Fault model: stopped with SIGKILL by the bench that started it.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { echoService } from '../src/comm/rpc/echo-service.js';

export async function startPlainEchoServer(): Promise<{ port: number; close(): void }> {
  const server = new Server();
  server.addService(echoService().definition, {
    Echo: (call: ServerUnaryCall<{ text: string }, unknown>, done: sendUnaryData<unknown>) =>
      done(null, { text: call.request.text, instance: 'bench' }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e === null ? resolve(p) : reject(e),
    ),
  );
  return { port, close: () => server.forceShutdown() };
}

const main = process.argv[1] !== undefined && realpathSync(process.argv[1]);
if (main === realpathSync(fileURLToPath(import.meta.url))) {
  const { port } = await startPlainEchoServer();
  process.stdout.write(`${JSON.stringify({ event: 'ready', port, pid: process.pid })}\n`);
}
