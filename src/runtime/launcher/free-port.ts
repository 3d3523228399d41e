// A free TCP port on 127.0.0.1, chosen by the kernel (listen on 0, read it, close). Another
// process could take it before we use it; launchers retry on EADDRINUSE rather than assume.

import net from 'node:net';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
