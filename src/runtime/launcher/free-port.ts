// A free TCP port on 127.0.0.1, chosen by the kernel (listen on 0, read it, close), and the
// retry every launcher wraps around a start on such ports.
//
// Fault model: between freePort closing its probe and the server binding the port, another
// process (a parallel test's server, any outgoing connection's ephemeral port) can take it.
// The server then fails in its own words ("Address already in use", eaddrinuse, …); only
// the launcher can read those, so it says which failures are clashes and the start is tried
// again on fresh ports. Any other failure is reported at once, as it was.

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

/** Chooses a port for one attempt (freePort; a test injects one that hands out a taken port). */
export type PortChooser = () => Promise<number>;

/** Starts tried, each on freshly chosen ports, before a port clash is reported. */
export const START_ATTEMPTS = 3;

export interface FreshPortsOptions {
  readonly attempts?: number;
  readonly choosePort?: PortChooser;
}

/**
 * Runs `start` until it succeeds, at most `attempts` times (START_ATTEMPTS). Each attempt
 * chooses every port it binds through `choose` and undoes whatever it started before it
 * throws. A failure `isClash` recognises is tried again on fresh ports; any other failure,
 * and a clash on the last attempt, is thrown unchanged.
 */
export async function startOnFreshPorts<T>(
  start: (choose: PortChooser, attempt: number) => Promise<T>,
  isClash: (error: unknown) => boolean,
  options: FreshPortsOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? START_ATTEMPTS;
  const choose = options.choosePort ?? freePort;
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(choose, attempt);
    } catch (error) {
      if (attempt >= attempts || !isClash(error)) throw error;
    }
  }
}

/**
 * An `isClash` for launchers whose start error carries the server's log tail: whether its
 * message contains any of `texts` (each server's own words for a port already bound).
 */
export function messageMentions(...texts: readonly string[]): (error: unknown) => boolean {
  return (error) => {
    const message = error instanceof Error ? error.message : String(error);
    return texts.some((text) => message.includes(text));
  };
}
