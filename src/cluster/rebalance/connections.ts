// Connections to the masters of a Redis Cluster during a rebalance: one plain ioredis client
// per node (not a cluster client: each command must reach exactly the node it names, with
// no redirect followed), opened once and closed together.
//
// Fault model: addresses come from a command line and from servers; a bad address, a node
// that cannot be reached, and a node without cluster support are RebalanceErrors. A client
// never reconnects or queues behind our back (retryStrategy null, no offline queue): a lost
// node fails the command that needed it.

import { Redis } from 'ioredis';
import { type ClusterNode, parseClusterNodes, RebalanceError } from './topology.js';

export interface Address {
  readonly host: string;
  readonly port: number;
}

/** `host:port` (IPv6 as `[::1]:7000` or `::1:7000`) → address; anything else is an error. */
export function parseAddress(text: string): Address {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(text.slice(colon + 1));
  if (colon <= 0 || host === '' || !/^\d+$/.test(text.slice(colon + 1)) || port < 1 || port > 65535)
    throw new RebalanceError(`expected host:port, got '${text}'`);
  return { host, port };
}

export class Connections {
  private readonly clients = new Map<string, Redis>();

  /** The client for `address` (`host:port`), connected on first use. */
  async get(address: string): Promise<Redis> {
    const open = this.clients.get(address);
    if (open !== undefined) return open;
    const { host, port } = parseAddress(address);
    const client = new Redis({
      host,
      port,
      lazyConnect: true,
      retryStrategy: () => null,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    client.on('error', () => {}); // Surfaced by the command that fails, with its context.
    this.clients.set(address, client);
    try {
      await client.connect();
    } catch (error) {
      throw new RebalanceError(`cannot connect to ${address}: ${(error as Error).message}`);
    }
    return client;
  }

  /** Runs one command on `address`; a server error becomes a RebalanceError naming both. */
  async call(address: string, argv: readonly (string | Buffer)[]): Promise<unknown> {
    const client = await this.get(address);
    try {
      return await client.call(argv[0] as string, ...argv.slice(1));
    } catch (error) {
      const command = argv.slice(0, 4).map(String).join(' ');
      throw new RebalanceError(`${command} on ${address}: ${(error as Error).message}`);
    }
  }

  /** `CLUSTER NODES` as `address` sees it. */
  async view(address: string): Promise<ClusterNode[]> {
    const reply = await this.call(address, ['CLUSTER', 'NODES']);
    return parseClusterNodes(String(reply));
  }

  close(): void {
    for (const client of this.clients.values()) client.disconnect();
    this.clients.clear();
  }
}
