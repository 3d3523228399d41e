// Moving one hash slot between two live masters, the procedure `redis-cli --cluster reshard`
// follows and CLUSTER SETSLOT's documentation prescribes (steps from slotMigrationSteps):
//   1. target: CLUSTER SETSLOT <slot> IMPORTING <source-id>
//   2. source: CLUSTER SETSLOT <slot> MIGRATING <target-id>
//   3. source, until empty: CLUSTER GETKEYSINSLOT <slot> <n>, then
//      MIGRATE <ip> <port> "" 0 <ms> KEYS <keys…>
//   4. CLUSTER SETSLOT <slot> NODE <target-id> on the target, then the source, then the others.
// IMPORTING BEFORE MIGRATING: once the source answers ASK, the target must already accept
// ASKING for the slot. NODE on the target FIRST: a client sent to the target by an ASK or a
// MOVED must find it owning the slot before the source stops answering for it.
// While the slot is open, the source serves keys it still has and answers ASK for the rest;
// clients that follow ASK (ioredis Cluster does) read and write every key throughout.
//
// Fault model: any command may fail (a node down, BUSYKEY on the target): the error names the
// slot and node and the slot stays open, for `redis-cli --cluster fix` or a rerun after it.
// The drain loop is bounded: the source's key count never grows while the slot migrates (new
// keys go to the target through ASK), so COUNTKEYSINSLOT / batch + 1 rounds suffice.

import { type MigrationStep, slotMigrationSteps } from '../partition/slot-migration.js';
import type { Connections } from './connections.js';
import type { SlotStep } from './plan.js';
import { RebalanceError } from './topology.js';

export interface MigrateOptions {
  /** Keys per MIGRATE (redis-cli's --cluster-pipeline default is 10). */
  readonly batchKeys: number;
  /** MIGRATE's timeout in ms (redis-cli's --cluster-timeout default is 60000). */
  readonly timeoutMs: number;
  /** Called after each MIGRATE batch while the slot is still open (tests use it). */
  readonly onBatch?: (event: BatchEvent) => void | Promise<void>;
}

export interface BatchEvent extends SlotStep {
  /** Keys of this slot moved so far. */
  readonly moved: number;
}

/** The cluster's node id and announced address (`ip:port`) for each master name. */
export interface MasterInfo {
  readonly id: string;
  readonly announced: string;
}

/** A drained master that already turned replica of the target refuses SETSLOT: harmless. */
const TURNED_REPLICA = /only with masters/i;

/** Moves `step.slot` from its source to its target; returns the keys moved. */
export async function migrateSlot(
  conns: Connections,
  masters: ReadonlyMap<string, MasterInfo>,
  step: SlotStep,
  options: MigrateOptions,
): Promise<number> {
  const info = (name: string): MasterInfo => {
    const m = masters.get(name);
    if (m === undefined) throw new RebalanceError(`no cluster node for master ${name}`);
    return m;
  };
  const nodeIds = new Map([...masters].map(([name, m]) => [name, m.id]));
  const steps = slotMigrationSteps(step.slot, step, { nodeIds, masters: [...masters.keys()] });
  let moved = 0;
  for (const s of steps) {
    if ('drain' in s) {
      moved = await drain(conns, step.source, info(step.target), step, options);
      continue;
    }
    const handover = s.argv[3] === 'NODE' && s.on !== step.target;
    await runSetslot(conns, s, { handover });
  }
  return moved;
}

async function runSetslot(
  conns: Connections,
  step: Extract<MigrationStep, { argv: readonly string[] }>,
  { handover }: { handover: boolean },
): Promise<void> {
  try {
    await conns.call(step.on, step.argv);
  } catch (error) {
    // Steps after the target's NODE are the source and the other masters; one that lost its
    // last slot may already be a replica of the new owner (cluster-allow-replica-migration).
    if (handover && error instanceof RebalanceError && TURNED_REPLICA.test(error.message)) return;
    throw error;
  }
}

async function drain(
  conns: Connections,
  source: string,
  target: MasterInfo,
  step: SlotStep,
  options: MigrateOptions,
): Promise<number> {
  const client = await conns.get(source);
  const count = Number(await conns.call(source, ['CLUSTER', 'COUNTKEYSINSLOT', String(step.slot)]));
  const rounds = Math.ceil(count / options.batchKeys) + 1;
  const [host, port] = splitAnnounced(target.announced);
  let moved = 0;
  for (let round = 0; round < rounds; round++) {
    const keys = (await client.callBuffer(
      'CLUSTER',
      'GETKEYSINSLOT',
      String(step.slot),
      String(options.batchKeys),
    )) as Buffer[];
    if (keys.length === 0) return moved;
    const argv = ['MIGRATE', host, port, '', '0', String(options.timeoutMs), 'KEYS', ...keys];
    const reply = String(await conns.call(source, argv));
    // NOKEY: every key of the batch expired or was deleted since GETKEYSINSLOT.
    if (reply !== 'OK' && reply !== 'NOKEY')
      throw new RebalanceError(`MIGRATE of slot ${step.slot} from ${source}: ${reply}`);
    moved += keys.length;
    await options.onBatch?.({ ...step, moved });
  }
  throw new RebalanceError(
    `slot ${step.slot} on ${source} still has keys after ${rounds} MIGRATE rounds`,
  );
}

function splitAnnounced(address: string): [string, string] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), address.slice(colon + 1)];
}
