// The client port, as etcd serves it: gRPC (HTTP/2) and plain HTTP/1.1 (`/health`,
// `/version`, `/metrics`) on one address. Without TLS, a connection's first bytes decide: the
// HTTP/2 connection preface goes to gRPC, anything else to the HTTP server. With TLS
// (`--cert-file`, `--key-file`, and `--trusted-ca-file` with `--client-cert-auth`), ALPN
// decides: `h2` is gRPC, `http/1.1` the HTTP server.
//
// Fault model: clients are untrusted. A connection that sends nothing is closed after
// `firstByteMs`; one that is neither protocol gets an HTTP 400 from the HTTP server; TLS
// failures close only that connection. The listener binds where it is told (the CLI
// refuses non-loopback addresses without TLS unless asked).

import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { type Server as GrpcServer, ServerCredentials } from '@grpc/grpc-js';

export interface ClientTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Trusted CAs for client certificates (`--trusted-ca-file`). */
  readonly ca?: Buffer;
  /** Require a client certificate signed by `ca` (`--client-cert-auth`). */
  readonly clientCertAuth: boolean;
}

export interface ClientPortOptions {
  readonly host: string;
  readonly port: number;
  readonly grpc: GrpcServer;
  readonly http: (req: IncomingMessage, res: ServerResponse) => void;
  readonly tls?: ClientTls;
  /** Close a connection that sends nothing for this long (plain TCP only). */
  readonly firstByteMs?: number;
}

export interface ClientPort {
  readonly port: number;
  close(): Promise<void>;
}

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export async function listenClientPort(o: ClientPortOptions): Promise<ClientPort> {
  const injector = o.grpc.createConnectionInjector(ServerCredentials.createInsecure());
  const http = createHttpServer(o.http);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  let server: NetServer;
  if (o.tls === undefined) {
    server = createNetServer((socket) => {
      track(socket);
      socket.setTimeout(o.firstByteMs ?? 10_000, () => socket.destroy());
      socket.once('data', (chunk: Buffer) => {
        socket.setTimeout(0);
        // Put the bytes back for whichever server takes the connection.
        socket.pause();
        socket.unshift(chunk);
        const h2 = chunk
          .subarray(0, H2_PREFACE.length)
          .equals(H2_PREFACE.subarray(0, chunk.length));
        if (h2) {
          // Paused: HTTP/2 reads the buffered bytes itself; resuming would let them flow
          // to no listener.
          injector.injectConnection(socket);
        } else {
          http.emit('connection', socket);
          socket.resume();
        }
      });
      socket.on('error', () => socket.destroy());
    });
  } else {
    const t = o.tls;
    server = createTlsServer(
      {
        cert: t.cert,
        key: t.key,
        ...(t.ca !== undefined && { ca: t.ca }),
        requestCert: t.clientCertAuth,
        rejectUnauthorized: t.clientCertAuth,
        ALPNProtocols: ['h2', 'http/1.1'],
        minVersion: 'TLSv1.2',
      },
      (socket: TLSSocket) => {
        track(socket);
        if (socket.alpnProtocol === 'h2') injector.injectConnection(socket);
        else http.emit('connection', socket);
      },
    );
    server.on('tlsClientError', () => {});
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : o.port;
  return {
    port,
    async close() {
      injector.destroy();
      for (const socket of sockets) socket.destroy();
      http.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
