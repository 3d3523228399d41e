// `--peers 1=127.0.0.1:7001,2=127.0.0.1:7002,3=…`: every node's id and address. Ids must be
// exactly 1..n (the process contract numbers nodes that way). A node listens for peers at
// its own entry; an address beyond loopback needs --allow-non-loopback (listenBeyondLoopback).

import type { NodeId } from '../core/process.js';
import { isLoopbackHost } from '../runtime/http-guard.js';
import type { Address } from '../runtime/transport/peer-link.js';
import { UsageError } from './usage-error.js';

export function parsePeers(text: string): Map<NodeId, Address> {
  const peers = new Map<NodeId, Address>();
  for (const part of text.split(',')) {
    const m = /^(\d+)=([^:,]+):(\d+)$/.exec(part.trim());
    if (m === null) {
      throw new UsageError(`--peers entry '${part}' is not ID=HOST:PORT (e.g. 1=127.0.0.1:7001)`);
    }
    const id = Number(m[1]);
    const port = Number(m[3]);
    if (port < 1 || port > 65_535) throw new UsageError(`--peers: port ${port} out of 1..65535`);
    if (peers.has(id)) throw new UsageError(`--peers names node ${id} twice`);
    peers.set(id, { host: m[2] as string, port });
  }
  const ids = [...peers.keys()].sort((a, b) => a - b);
  if (ids.some((id, i) => id !== i + 1)) {
    throw new UsageError(`--peers ids must be 1..${ids.length}, got ${ids.join(',')}`);
  }
  return peers;
}

export function formatPeers(peers: ReadonlyMap<NodeId, Address>): string {
  return [...peers].map(([id, a]) => `${id}=${a.host}:${a.port}`).join(',');
}

/**
 * Whether node `id` listens beyond loopback (its peer port then faces the network); a
 * UsageError when it would and `allowed` is false.
 */
export function listenBeyondLoopback(address: Address, id: NodeId, allowed: boolean): boolean {
  if (isLoopbackHost(address.host)) return false;
  if (!allowed) {
    throw new UsageError(
      `node ${id} would listen on ${address.host}:${address.port}, beyond loopback; ` +
        'pass --allow-non-loopback to expose its peer port to the network',
    );
  }
  return true;
}
