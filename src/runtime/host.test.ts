// The host's contract: a step's writes are synced BEFORE its messages and outputs leave;
// steps that end during a sync share the next one (group commit); release keeps step order.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnyAlgorithm, defineAlgorithm } from '../core/algorithm.js';
import type { Message, NodeId, Process } from '../core/process.js';
import { NodeHost } from './host.js';
import { MemoryStorage } from './memory-storage.js';
import { until } from './testing/wait.js';
import { openWalStorage } from './wal/index.js';

/** A storage whose syncs complete only when the test says so. */
class GatedStorage extends MemoryStorage {
  readonly gates: (() => void)[] = [];
  override sync(): Promise<void> {
    this.syncs++;
    return new Promise((resolve) => this.gates.push(resolve));
  }
}

type Cmd = { readonly n: number; readonly fail?: boolean; readonly early?: boolean };
interface Echo extends Message {
  readonly type: 'Echo';
  readonly n: number;
}

const probe: AnyAlgorithm = defineAlgorithm<Echo, { type: 'wrote'; n: number }, object, object>({
  name: 'testing/host-probe',
  family: 'testing',
  summary: 'writes then sends, per command',
  seed: '-',
  hidden: true,
  nodes: { default: 2, min: 1, max: 2 },
  durationMs: 1,
  livenessDeadlineMs: 1,
  options: {},
  create: (): Process<Echo, { type: 'wrote'; n: number }, object> => ({
    state: {},
    onStart: () => {},
    onMessage: () => {},
    onTimer: () => {},
    onCommand(env, command) {
      const { n, fail, early } = command as Cmd;
      env.storage.set(`k${n}`, n);
      if (fail === true) throw new Error('the step failed after writing');
      env.output({ type: 'wrote', n });
      env.send(2, { type: 'Echo', n }, { beforeDurable: early === true });
    },
  }),
  invariants: () => [],
  liveness: () => [],
  scenarios: [],
});

/** Node 1 of {1, 2} running the probe on `storage`; a fatal error fails the test. */
function probeHost(storage: GatedStorage, transmit: (to: NodeId, m: Message) => void): NodeHost {
  return new NodeHost({
    algorithm: probe,
    id: 1,
    nodes: [1, 2],
    options: {},
    seed: 1,
    randomSeed: 7,
    storage,
    clock: () => 0,
    transmit,
    onFatal: (e) => {
      throw e;
    },
  });
}

describe('NodeHost', () => {
  it('releases messages only after a sync that covers their step, many steps per sync', async () => {
    const storage = new GatedStorage();
    const sent: { to: NodeId; n: number }[] = [];
    const host = probeHost(storage, (to, m) => sent.push({ to, n: (m as Echo).n }));
    host.start();
    host.command({ n: 1 });
    expect(storage.get('k1')).toBe(1); // The write reached the storage at once…
    expect(sent).toEqual([]); // …but nothing left before its sync.
    host.command({ n: 2 });
    host.command({ n: 3 });
    expect(storage.syncs).toBe(1); // Steps 2 and 3 wait for the next sync.
    storage.gates.shift()?.();
    await until(() => sent.length === 1, 'step 1 released');
    expect(host.outputs.since(0).map((r) => r.output)).toEqual([{ type: 'wrote', n: 1 }]);
    await until(() => storage.syncs === 2, 'the second sync');
    expect(sent).toEqual([{ to: 2, n: 1 }]);
    storage.gates.shift()?.();
    await until(() => sent.length === 3, 'steps 2 and 3 released together');
    expect(sent.map((s) => s.n)).toEqual([1, 2, 3]);
    expect(storage.syncs).toBe(2);
    expect(host.counters.syncs).toBe(2);
  });

  it('lets a message sent beforeDurable leave when its step ends, ahead of the disk', async () => {
    const storage = new GatedStorage();
    const sent: number[] = [];
    const host = probeHost(storage, (_to, m) => sent.push((m as Echo).n));
    host.start();
    host.command({ n: 1 });
    host.command({ n: 2, early: true });
    expect(sent).toEqual([2]); // Step 2's message overtook step 1's, which waits for the disk.
    expect(host.outputs.since(0)).toEqual([]); // Outputs always wait.
    storage.gates.shift()?.();
    await until(() => sent.length === 2, 'step 1 released');
    expect(sent).toEqual([2, 1]);
  });

  it('stops the node when a step breaks an assertion', () => {
    const errors: Error[] = [];
    const host = new NodeHost({
      algorithm: probe,
      id: 1,
      nodes: [1, 2],
      options: {},
      seed: 1,
      randomSeed: 7,
      storage: new MemoryStorage(),
      clock: () => 0,
      transmit: () => {},
      onFatal: (e) => errors.push(e),
    });
    host.start();
    host.command(null); // Destructuring null throws inside the step.
    host.command({ n: 1 });
    expect(errors.length).toBe(1);
    expect(host.counters.steps).toBe(1);
  });

  it('seals each step; a step that threw never reaches the disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cohort-host-'));
    try {
      const errors: Error[] = [];
      const host = new NodeHost({
        algorithm: probe,
        id: 1,
        nodes: [1, 2],
        options: {},
        seed: 1,
        randomSeed: 7,
        storage: await openWalStorage(dir),
        clock: () => 0,
        transmit: () => {},
        onFatal: (e) => errors.push(e),
      });
      host.start();
      host.command({ n: 1 });
      host.command({ n: 2, fail: true });
      expect(errors.map((e) => e.message)).toEqual(['the step failed after writing']);
      await host.stop();
      const again = await openWalStorage(dir);
      expect(again.keys()).toEqual(['k1']);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
