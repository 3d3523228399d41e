// A TCP proxy in front of a real server that can be frozen: while frozen, bytes in both
// directions are held (not lost) and new connections wait, so the server looks hung to the
// client — a participant that stops answering mid-transaction — until `thaw()` delivers what
// was held. `close()` drops every connection (the server then sees its clients vanish).
//
// Fault model of the proxy itself: it is the test's, trusted; a failing side closes its pair.

import net from 'node:net';

interface Pair {
  readonly client: net.Socket;
  upstream: net.Socket | undefined;
  readonly toServer: Buffer[];
  readonly toClient: Buffer[];
}

export class FreezeProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<Pair>();
  private frozen = false;
  port = 0;

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const pair of this.pairs) this.flush(pair);
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const pair: Pair = { client, upstream: undefined, toServer: [], toClient: [] };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      pair.upstream?.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      pair.toServer.push(chunk);
      this.flush(pair);
    });
    client.on('error', drop);
    client.on('close', drop);
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    upstream.on('data', (chunk: Buffer) => {
      pair.toClient.push(chunk);
      this.flush(pair);
    });
    upstream.on('error', drop);
    upstream.on('close', drop);
    upstream.on('connect', () => {
      pair.upstream = upstream;
      this.flush(pair);
    });
  }

  private flush(pair: Pair): void {
    if (this.frozen) return;
    if (pair.upstream !== undefined)
      for (const chunk of pair.toServer.splice(0)) pair.upstream.write(chunk);
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  }
}

/** A server that answers every connection with bytes that are not PostgreSQL's protocol. */
export async function garbageServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', () => socket.write(Buffer.from('\x07\x00\x00\x00\x05garbage!!', 'latin1')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
