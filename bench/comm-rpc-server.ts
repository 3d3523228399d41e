// The server of the `rpc` workload (bench/comm-rpc.ts), run as its own process: a plain
// @grpc/grpc-js server (no Cohort code on the serving path) for proto/cohort/echo.proto's Echo,
// on a free port of 127.0.0.1. Both clients under test call it. Prints one JSON ready line.
//
// Fault model: stopped with SIGTERM/SIGKILL by the bench that started it.

import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { echoService } from '../src/comm/rpc/echo-service.js';

const server = new Server();
server.addService(echoService().definition, {
  Echo: (call: ServerUnaryCall<{ text: string }, unknown>, done: sendUnaryData<unknown>) =>
    done(null, { text: call.request.text, instance: 'bench' }),
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error !== null) throw error;
  process.stdout.write(`${JSON.stringify({ event: 'ready', port, pid: process.pid })}\n`);
});
