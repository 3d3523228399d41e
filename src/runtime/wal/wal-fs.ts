// The file operations the write-ahead log needs, behind a small interface whose default is
// node:fs/promises, so tests inject faults deterministically (short writes, ENOSPC or EIO at
// the Nth call) without a full disk. `guardedFs` wraps any implementation so that every
// failure is a typed `WalIoError` naming the file, the operation and the errno code, and
// `writeAll` completes short writes.
//
// Fault model: any operation may fail (ENOSPC, EIO, EROFS, EDQUOT, EACCES …) and `write` may
// write fewer bytes than asked. A failure is reported, never retried: after a failed fsync
// the kernel may have dropped the dirty pages, so a retry could report success for data that
// is gone ("fsyncgate"). The WAL treats every failure as permanent.

import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, truncate } from 'node:fs/promises';
import { getSystemErrorMap } from 'node:util';

export interface WalFile {
  /** Writes `length` bytes of `buffer` from `offset`, appending; may write fewer. */
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
  /** Opened with O_DSYNC: a write returns once its bytes are durable, as after fdatasync. */
  readonly syncsOnWrite?: boolean;
}

export interface WalFs {
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  readFile(path: string): Promise<Uint8Array>;
  /** 'a': append (created if absent), 'w': truncate or create, 'r': read (directories). */
  open(path: string, flags: 'a' | 'w' | 'r'): Promise<WalFile>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; absent is fine. */
  rm(path: string): Promise<void>;
  truncate(path: string, bytes: number): Promise<void>;
}

/** O_DSYNC appends where the platform has them (not Windows: there, write + fdatasync). */
const DSYNC = constants.O_DSYNC as number | undefined;
const APPEND_DSYNC =
  DSYNC === undefined
    ? undefined
    : constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | DSYNC;

export const nodeWalFs: WalFs = {
  mkdir: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  readdir: (dir) => readdir(dir),
  readFile: (path) => readFile(path),
  open: async (path, flags) => {
    // Appends are O_DSYNC: one system call (one thread-pool job) per round instead of a
    // write and an fdatasync.
    const dsync = flags === 'a' && APPEND_DSYNC !== undefined;
    const handle = await open(path, dsync ? APPEND_DSYNC : flags);
    return {
      syncsOnWrite: dsync,
      write: (buffer, offset, length) => handle.write(buffer, offset, length),
      datasync: () => handle.datasync(),
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  rename: (from, to) => rename(from, to),
  rm: (path) => rm(path, { force: true }),
  truncate: (path, bytes) => truncate(path, bytes),
};

const errnoText = new Map([...getSystemErrorMap().values()].map(([name, text]) => [name, text]));

/** A file operation of the WAL failed; the storage is unusable from then on. */
export class WalIoError extends Error {
  constructor(
    readonly operation: string,
    readonly file: string,
    /** The errno name (ENOSPC, EIO, EROFS …), or a short word when there is none. */
    readonly code: string,
    cause?: unknown,
  ) {
    const text = errnoText.get(code);
    super(
      `write-ahead log: ${operation} ${operation === 'write' ? 'to' : 'of'} ${file} failed: ` +
        `${code}${text === undefined ? '' : ` (${text})`}`,
      { cause },
    );
    this.name = 'WalIoError';
  }
}

function typed(operation: string, file: string, error: unknown): unknown {
  if (error instanceof WalIoError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? new WalIoError(operation, file, code, error) : error;
}

async function io<T>(operation: string, file: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw typed(operation, file, error);
  }
}

/** `fs` whose every failure is a WalIoError naming the operation and the file. */
export function guardedFs(fs: WalFs): WalFs {
  return {
    mkdir: (dir) => io('mkdir', dir, () => fs.mkdir(dir)),
    readdir: (dir) => io('readdir', dir, () => fs.readdir(dir)),
    readFile: (path) => io('read', path, () => fs.readFile(path)),
    open: async (path, flags) => {
      const file = await io('open', path, () => fs.open(path, flags));
      return {
        ...(file.syncsOnWrite === true && { syncsOnWrite: true }),
        write: (b, offset, length) => io('write', path, () => file.write(b, offset, length)),
        datasync: () => io('fdatasync', path, () => file.datasync()),
        sync: () => io('fsync', path, () => file.sync()),
        close: () => io('close', path, () => file.close()),
      };
    },
    rename: (from, to) => io('rename', from, () => fs.rename(from, to)),
    rm: (path) => io('remove', path, () => fs.rm(path)),
    truncate: (path, bytes) => io('truncate', path, () => fs.truncate(path, bytes)),
  };
}

/** Writes every byte of `bytes`, retrying short writes; a write of 0 bytes is a failure. */
export async function writeAll(file: WalFile, path: string, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, at, bytes.length - at);
    // A regular file's write that makes no progress has found no room (POSIX gives no errno).
    if (bytesWritten <= 0) throw new WalIoError('write', path, 'ENOSPC');
    at += bytesWritten;
  }
}
