// `cohort snapshot status|restore`: etcdctl's offline snapshot commands for the files
// Maintenance.Snapshot streams (`etcdctl snapshot save` writes them) and for etcd's own.
//
//   cohort snapshot status <file> [-w simple|json|table]   hash, revision, total keys, size
//   cohort snapshot restore <file> --data-dir DIR [--name --initial-cluster
//     --initial-cluster-token --initial-advertise-peer-urls --skip-hash-check]
//
// restore checks the SHA-256 trailer as etcdctl does, reads the bolt file (validated:
// snapshot/bolt-reader.ts), and writes a data directory `cohort serve --data-dir DIR` with the
// same --name and --initial-cluster starts from, holding the snapshot's keys, revisions and
// leases. Output and field names follow etcdctl 3.4.
//
// Fault model: the file is untrusted; every problem is one line on stderr and exit code 2
// (a bad file, a missing trailer, an existing data dir), never a stack trace.

import type { Command } from 'commander';
import { type Exit, UsageError } from './usage-error.js';

const SHA256_BYTES = 32;

/** humanize.Bytes (etcdctl's size column): SI units, one decimal below 10. */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.min(Math.floor(Math.log(n) / Math.log(1000)), units.length - 1);
  const value = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${units[e]}`;
}

/** etcdctl's table (olekukonko/tablewriter): centred upper-case header, cells right-aligned. */
function etcdctlTable(header: readonly string[], row: readonly string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, (row[i] as string).length));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const centre = (text: string, w: number) => {
    const left = Math.ceil((w - text.length) / 2);
    return ' '.repeat(left) + text + ' '.repeat(w - text.length - left);
  };
  const head = header.map((h, i) => ` ${centre(h.toUpperCase(), widths[i] as number)} `);
  const cells = row.map((c, i) => ` ${c.padStart(widths[i] as number)} `);
  return [rule, `|${head.join('|')}|`, rule, `|${cells.join('|')}|`, rule].join('\n');
}

async function readSnapshotFile(file: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(file);
  } catch (error) {
    throw new UsageError(`snapshot: ${(error as Error).message}`);
  }
}

/** Runs `body`, turning the snapshot modules' typed errors into one-line usage errors. */
async function typed<T>(body: () => Promise<T> | T): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const known = [
      'BoltFormatError',
      'EtcdSnapshotError',
      'ProtoError',
      'SnapshotError',
      'AuthSnapshotError',
      'DataDirExistsError',
      'TypeError',
    ];
    if (error instanceof Error && known.includes(error.name)) throw new UsageError(error.message);
    throw error;
  }
}

async function statusCommand(file: string, writeOut: string): Promise<number> {
  if (!['simple', 'json', 'table'].includes(writeOut))
    throw new UsageError(`--write-out: '${writeOut}' is not simple, json or table`);
  const { readBolt, snapshotStatus } = await import('../server/snapshot/index.js');
  const bytes = await readSnapshotFile(file);
  const status = await typed(() => snapshotStatus(readBolt(bytes)));
  const row = [
    status.hash.toString(16),
    String(status.revision),
    String(status.totalKey),
    humanBytes(status.totalSize),
  ];
  if (writeOut === 'json') process.stdout.write(`${JSON.stringify(status)}\n`);
  else if (writeOut === 'table')
    process.stdout.write(
      `${etcdctlTable(['hash', 'revision', 'total keys', 'total size'], row)}\n`,
    );
  else process.stdout.write(`${row.join(', ')}\n`);
  return 0;
}

interface RestoreFlags {
  readonly dataDir?: string;
  readonly name: string;
  readonly initialCluster?: string;
  readonly initialClusterToken: string;
  readonly initialAdvertisePeerUrls: string;
  readonly skipHashCheck?: boolean;
}

/** The bolt file without its SHA-256 trailer, checked as etcdctl's restore checks it. */
async function checkedDatabase(file: string, skipHashCheck: boolean): Promise<Buffer> {
  const { createHash } = await import('node:crypto');
  const bytes = await readSnapshotFile(file);
  // etcd's hasChecksum: a trailer is there when the size is 32 past a multiple of 512.
  const hasHash = bytes.length % 512 === SHA256_BYTES;
  if (!hasHash) {
    if (!skipHashCheck) throw new UsageError('snapshot missing hash but --skip-hash-check=false');
    return bytes;
  }
  const db = bytes.subarray(0, bytes.length - SHA256_BYTES);
  const want = bytes.subarray(bytes.length - SHA256_BYTES);
  const got = createHash('sha256').update(db).digest();
  if (!skipHashCheck && !got.equals(want))
    throw new UsageError(`expected sha256 ${want.toString('hex')}, got ${got.toString('hex')}`);
  return db;
}

async function restoreCommand(file: string, flags: RestoreFlags): Promise<number> {
  const { parseCluster } = await import('./serve-command.js');
  const cluster = parseCluster(
    flags.initialCluster ?? `${flags.name}=${flags.initialAdvertisePeerUrls}`,
  );
  if (!cluster.some((m) => m.name === flags.name))
    throw new UsageError(`--initial-cluster has no member named '${flags.name}'`);
  const dataDir = flags.dataDir ?? `${flags.name}.etcd`;
  const db = await checkedDatabase(file, flags.skipHashCheck === true);
  const { readBolt, restoredState, writeDataDir } = await import('../server/snapshot/index.js');
  const state = await typed(() => restoredState(readBolt(db)));
  const target = { dataDir, name: flags.name, cluster, token: flags.initialClusterToken };
  await typed(() => writeDataDir(target, state));
  const line = {
    event: 'restored',
    path: file,
    dataDir,
    revision: state.mvcc.revision,
    compactRevision: state.mvcc.compactRevision,
    leases: state.mvcc.leaseIds.length,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return 0;
}

export function snapshotCommandDef(root: Command, exit: Exit): void {
  const snapshot = root
    .command('snapshot')
    .description("etcd-compatible snapshot files (what 'etcdctl snapshot save' writes)");
  snapshot
    .command('status <file>')
    .description('hash, revision, total keys and total size of a snapshot file')
    .option('-w, --write-out <format>', 'simple, json or table', 'simple')
    .action(async (file: string, flags: { writeOut: string }) => {
      exit(await statusCommand(file, flags.writeOut));
    });
  snapshot
    .command('restore <file>')
    .description("create a data directory 'cohort serve' starts from with the snapshot's state")
    .option('--data-dir <dir>', 'the directory to create (default: <name>.etcd)')
    .option('--name <name>', "this member's name in --initial-cluster", 'default')
    .option('--initial-cluster <list>', 'every member: name=http://host:port,…')
    .option(
      '--initial-cluster-token <token>',
      'names the restored cluster (give serve the same, with the same --initial-cluster)',
      'etcd-cluster',
    )
    .option(
      '--initial-advertise-peer-urls <urls>',
      "this member's peer URL",
      'http://localhost:2380',
    )
    .option('--skip-hash-check', 'accept a file without its SHA-256 trailer')
    .action(async (file: string, flags: RestoreFlags) => {
      exit(await restoreCommand(file, flags));
    });
}
