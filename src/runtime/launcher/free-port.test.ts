// startOnFreshPorts against real sockets: a port held by another listener makes the first
// attempt's bind fail with EADDRINUSE (the race freePort cannot close), and the retry must
// bind a different, free port; failures that are not clashes are not retried.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, messageMentions, type PortChooser, startOnFreshPorts } from './free-port.js';

const opened: net.Server[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => new Promise((r) => s.close(() => r(null)))));
});

/** A listener on 127.0.0.1:port, or the bind's error (EADDRINUSE when the port is taken). */
async function listenOn(port: number): Promise<net.Server> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  opened.push(server);
  return server;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

/** Hands out `first` once, then kernel-chosen free ports; records every port handed out. */
function chooserTakingFirst(first: number): { choose: PortChooser; handed: number[] } {
  const handed: number[] = [];
  const choose = async () => {
    const port = handed.length === 0 ? first : await freePort();
    handed.push(port);
    return port;
  };
  return { choose, handed };
}

const isClash = messageMentions('EADDRINUSE');

describe('startOnFreshPorts', () => {
  it('tries again on a fresh port when the chosen one was taken meanwhile', async () => {
    const taken = portOf(await listenOn(0));
    const { choose, handed } = chooserTakingFirst(taken);
    const attempts: number[] = [];
    const server = await startOnFreshPorts(
      async (pick, attempt) => {
        attempts.push(attempt);
        return listenOn(await pick());
      },
      isClash,
      { choosePort: choose },
    );
    expect(attempts).toEqual([1, 2]);
    expect(handed[0]).toBe(taken);
    expect(portOf(server)).toBe(handed[1]);
    expect(portOf(server)).not.toBe(taken);
    // The server the retry started is really there.
    const socket = net.connect({ host: '127.0.0.1', port: portOf(server) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    socket.destroy();
  });

  it('throws a failure that is not a clash at once', async () => {
    let calls = 0;
    const failing = startOnFreshPorts(async () => {
      calls++;
      throw new Error('missing binary');
    }, isClash);
    await expect(failing).rejects.toThrow('missing binary');
    expect(calls).toBe(1);
  });

  it('gives up after `attempts` clashes with the last clash', async () => {
    const taken = portOf(await listenOn(0));
    let calls = 0;
    const always = startOnFreshPorts(
      async (pick) => {
        calls++;
        return listenOn(await pick());
      },
      isClash,
      { attempts: 2, choosePort: async () => taken },
    );
    await expect(always).rejects.toThrow('EADDRINUSE');
    expect(calls).toBe(2);
  });
});
