// A node whose storage fails while stopping (a full disk at the last flush) still closes its
// peer port and API: nothing is left listening (the zombie of issue 14, item 5).

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ricartAgrawala } from '../algorithms/mutex/ricart-agrawala/index.js';
import { MemoryStorage } from './memory-storage.js';
import { startNode } from './node.js';
import { recordingLogger } from './testing/wait.js';

class FailingCloseStorage extends MemoryStorage {
  override async close(): Promise<void> {
    await super.close();
    throw new Error('write-ahead log: fdatasync failed: ENOSPC');
  }
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('startNode', () => {
  it('closes the peer port even when the storage fails to close', async () => {
    const node = await startNode({
      algorithm: ricartAgrawala,
      id: 1,
      cluster: 'node-stop-test',
      peers: new Map([
        [1, { host: '127.0.0.1', port: 0 }],
        [2, { host: '127.0.0.1', port: 1 }],
      ]),
      peerAuth: { kind: 'none' },
      options: {},
      seed: 1,
      randomSeed: 1,
      storage: new FailingCloseStorage(),
      clock: () => 0,
      apiPort: 0,
      apiToken: 'test-token',
      log: recordingLogger().log,
      onFatal: () => {},
    });
    expect(await listening(node.port)).toBe(true);
    await expect(node.stop()).rejects.toThrow(/ENOSPC/);
    expect(await listening(node.port)).toBe(false);
    expect(await listening(node.apiPort)).toBe(false);
  });
});
